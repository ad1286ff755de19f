"""Two officers issuing (or approving) the same letter at the same moment, each on their own
database connection: exactly one issued letter, one alert, one email.

Every thread must report an outcome: an unexpected exception in a thread is recorded as a failure,
not lost (a lost one once let this test pass with the row lock removed, because a warning notice's
second issue then died on the progress record's unique constraint - a 500 for the user). On
PostgreSQL these tests fail if services_shared.locked_letter stops using select_for_update."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from accounts.roles import Role
from letters import services
from letters.models import LetterEvent, LetterStatus
from schools.models import Councillor, ElectedMemberAlert

from .factories import approved, draft

# PostgreSQL: the second transaction waits on the letter's row lock (select_for_update). SQLite: the
# second waits for the write lock its IMMEDIATE transaction takes (the in-memory test database
# answers "locked" at once, and services_shared.waits_for_the_lock tries again). Either way the second
# officer then finds the letter already issued. Each thread hands the service the same instance
# (the service reads the row again under its lock): a read of its own before the service could meet
# the in-memory SQLite test database's table lock and fail outside the service's retry.


def race(action, users) -> list:
    barrier = threading.Barrier(len(users))
    outcomes = []

    def run(user):
        try:
            barrier.wait()
            action(user)
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(error.messages)
        except OperationalError as error:
            outcomes.append(str(error))
        except Exception as error:  # anything else is a failure the test must see
            outcomes.append(f"unexpected {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(users), outcomes
    return outcomes


def refused(outcome) -> bool:
    return outcome in (
        [services.CANNOT_ISSUE.format(status="issued")],
        [services.CANNOT_APPROVE.format(status="approved, awaiting issue")],
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("code", ["warning_notice", "significant_concerns_top"])
def test_two_officers_issuing_the_same_letter_at_once_produce_one_issued_letter_and_one_alert(
    officer, make_user, link_school, mailoutbox, code
):
    second_officer = make_user(Role.OFFICER, username="officer2")
    Councillor.objects.create(ward=link_school.ward, name="Jane Doe", email="jane@example.gov.uk")
    letter = approved(link_school, code, drafter=second_officer, officer=officer)

    outcomes = race(lambda user: services.letter_issue(letter=letter, actor=user),
                    [officer, second_officer])  # fmt: skip

    assert outcomes.count("done") == 1, outcomes
    assert all(refused(o) for o in outcomes if o != "done"), outcomes
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED
    assert LetterEvent.objects.filter(letter=letter, action="issued").count() == 1
    assert ElectedMemberAlert.objects.count() == 1
    assert len(mailoutbox) == 1
    assert letter.history.filter(status=LetterStatus.ISSUED).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_approving_the_same_letter_at_once_approve_it_once(officer, make_user, adviser, link_school):
    second_officer = make_user(Role.OFFICER, username="officer2")
    letter = draft(link_school, "congratulations", actor=adviser)
    services.letter_submit(letter=letter, actor=adviser)

    outcomes = race(lambda user: services.letter_approve(letter=letter, actor=user),
                    [officer, second_officer])  # fmt: skip

    assert outcomes.count("done") == 1, outcomes
    assert all(refused(o) for o in outcomes if o != "done"), outcomes
    assert LetterEvent.objects.filter(letter=letter, action="approved").count() == 1
