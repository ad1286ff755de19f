"""The school answers a letter of concern with its action plan (issue 14, docs/adr/0033): the rules,
the file check, the services and the emails."""

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ValidationError as FormValidationError

from core.tabular import XLSX_TOO_LARGE_UNPACKED
from letters import action_plans, plan_files
from letters.action_plans import PlanItem
from letters.models import ActionPlan, LetterKind
from letters.models_action_plans import PlanEventKind, PlanStatus
from visits.models import Action, ActionOwner
from visits.selectors import governor_school_actions

from .factories import issued
from .plan_files import DOCX, EXE, MACRO_DOCX, ODT, OTHER_ZIP, PDF, XLSX, upload

ISSUED_ON = date(2026, 12, 14)  # a Monday before the Christmas holiday


# ---- rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "asks"),
    [
        (LetterKind.SIGNIFICANT_CONCERNS, True),
        (LetterKind.SIGNIFICANT_CONCERNS_TOP, True),
        (LetterKind.WARNING_NOTICE, True),
        (LetterKind.CONGRATULATIONS, False),
        (LetterKind.TRUST_CHAIR_MEETING, False),
        (LetterKind.TRUST_CEO_CONCERN, False),
    ],
)
def test_a_letter_of_concern_asks_for_a_plan(code, asks):
    assert action_plans.a_letter_of_concern_asks_for_a_plan(code=code) is asks


@pytest.mark.parametrize(
    ("due_on", "problem"),
    [
        (date(2026, 12, 14), None),  # the day the letter was issued
        (date(2026, 12, 13), "before"),
        (date(2028, 12, 15), None),  # two years from today to the day
        (date(2028, 12, 16), "years"),
        (date(2099, 1, 1), "years"),
    ],
)
def test_a_plans_actions_fall_due_after_its_letter(due_on, problem):
    items = [PlanItem("Train every teacher in phonics", "school", date(2027, 2, 1)), PlanItem("Review", "la", due_on)]
    found = action_plans.a_plans_actions_fall_due_after_its_letter(
        items=items, issued_on=date(2026, 12, 14), today=date(2026, 12, 15)
    )
    if problem is None:
        assert found == {}
    elif problem == "before":
        values = {"label": "Due date of action 2", "issued_on": date(2026, 12, 14)}
        assert found == {1: action_plans.PLAN_ACTION_DUE_BEFORE_LETTER.format(**values)}
    else:
        limit = "no later than 15 December 2028, 2 years from today: check the year"
        assert found == {1: f"Due date of action 2 must be {limit}"}


def test_the_plan_is_due_by_the_date_the_letter_sets(settings):
    settings.ACTION_PLAN_DAYS = 28
    rule = action_plans.the_plan_is_due_by_the_date_the_letter_sets
    # Across the year's end (calendar days: the Christmas holiday is not skipped).
    assert rule(issued_on=ISSUED_ON) == date(2027, 1, 11)
    assert rule(issued_on=date(2027, 2, 15)) == date(2027, 3, 15)  # not a leap year
    assert rule(issued_on=date(2028, 2, 15)) == date(2028, 3, 14)  # a leap year
    # A date on a weekend moves back to the Friday before.
    assert rule(issued_on=date(2026, 11, 21)) == date(2026, 12, 18)  # Saturday 19 December
    assert rule(issued_on=date(2026, 11, 22)) == date(2026, 12, 18)  # Sunday 20 December
    assert rule(issued_on=date(2026, 12, 19), days=1) == date(2026, 12, 19)  # never before the day of issue
    # And a bank holiday to the working day before.
    assert rule(issued_on=date(2026, 12, 4)) == date(2026, 12, 31)  # New Year's Day 2027, a Friday
    assert rule(issued_on=date(2026, 11, 30)) == date(2026, 12, 24)  # Boxing Day's Monday, a weekend, Christmas Day
    assert rule(issued_on=date(2027, 2, 26)) == date(2027, 3, 25)  # Good Friday 2027
    # A warning notice: no later than the end of its compliance period.
    assert rule(issued_on=ISSUED_ON, compliance_end_date=date(2026, 12, 31)) == date(2026, 12, 31)  # a Thursday
    assert rule(issued_on=ISSUED_ON, compliance_end_date=date(2027, 3, 1)) == date(2027, 1, 11)
    assert rule(issued_on=ISSUED_ON, days=4) == date(2026, 12, 18)


def test_a_late_plan_is_taken_and_marked_late():
    rule = action_plans.a_late_plan_is_taken_and_marked_late
    assert not rule(first_sent_on=date(2027, 1, 11), due_on=date(2027, 1, 11))
    assert rule(first_sent_on=date(2027, 1, 12), due_on=date(2027, 1, 11))


def test_a_plan_has_its_content_and_actions():
    rule = action_plans.a_plan_has_its_content_and_actions
    item = PlanItem("Improve phonics", ActionOwner.SCHOOL, date(2027, 2, 1))
    assert rule(text="Our plan", has_file=False, items=[item]) == {}
    assert rule(text="", has_file=True, items=[item]) == {}
    assert rule(text="  ", has_file=False, items=[]) == {
        "text": [action_plans.PLAN_EMPTY],
        "__all__": [action_plans.NO_ACTIONS],
    }


def test_more_needed_says_what():
    rule = action_plans.more_needed_says_what
    assert rule(view="accepted", comments="") == {}
    assert rule(view="more_needed", comments=" Add dates \x00") == {}
    assert rule(view="more_needed", comments=" \x00") == {"view_comments": [action_plans.COMMENTS_REQUIRED]}
    assert rule(view="more_needed", comments=" ") == {"view_comments": [action_plans.COMMENTS_REQUIRED]}
    assert rule(view="maybe", comments="x") == {"view": [action_plans.VIEW_REQUIRED]}


# ---- the file -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("plan.pdf", PDF, "pdf"), ("Plan.DOCX", DOCX, "docx"), ("plan.xlsx", XLSX, "xlsx"), ("plan.odt", ODT, "odt")],
)
def test_plan_file_kind_is_judged_from_the_bytes(name, data, kind):
    assert plan_files.plan_file_kind(upload(name, data)) == kind


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.pdf", EXE, plan_files.FILE_NOT_A_PLAN),
        ("plan.docx", OTHER_ZIP, plan_files.FILE_NOT_A_PLAN),
        ("plan.txt", b"just text", plan_files.FILE_NOT_A_PLAN),
        ("plan.docx", b"PK\x03\x04broken", plan_files.FILE_NOT_A_PLAN),
        ("plan.pdf", DOCX, plan_files.FILE_NAME_MISMATCH.format(extension="pdf", kind="docx", label="DOCX")),
        ("plan", PDF, plan_files.FILE_NAME_MISMATCH.format(extension="(none)", kind="pdf", label="PDF")),
    ],
)
def test_plan_file_kind_refuses_other_files_and_wrong_names(name, data, message):
    with pytest.raises((ValidationError, FormValidationError)) as caught:
        plan_files.plan_file_kind(upload(name, data))
    assert caught.value.messages == [message]


def test_plan_file_kind_refuses_an_office_file_with_macros():
    # The one judgement of core.filetypes: a .docx carrying vbaProject.bin is a macro file (ADR 0042).
    with pytest.raises(ValidationError) as caught:
        plan_files.plan_file_kind(upload("plan.docx", MACRO_DOCX))
    assert caught.value.messages == [plan_files.FILE_HAS_MACROS]


def test_plan_file_kind_reads_a_zips_directory_for_a_zip_bomb_first(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        plan_files.plan_file_kind(upload("plan.docx", DOCX))
    assert caught.value.messages[0].startswith(XLSX_TOO_LARGE_UNPACKED.split("{")[0])


# ---- services -------------------------------------------------------------------------------------


@pytest.fixture
def letter(link_school, headteacher, adviser, officer, on_day, mailoutbox, django_capture_on_commit_callbacks):
    on_day(ISSUED_ON)
    with django_capture_on_commit_callbacks(execute=True):
        return issued(link_school, "significant_concerns", drafter=adviser, officer=officer)


@pytest.fixture
def plan(letter):
    return letter.action_plan


ITEMS = [
    PlanItem("Train every teacher in phonics", ActionOwner.SCHOOL, date(2027, 2, 12)),
    PlanItem("Adviser to review phonics teaching", ActionOwner.LA, date(2027, 3, 19)),
]


def _submit(plan, headteacher, *, on, text="Our plan", items=ITEMS, file=None, capture=None):
    return action_plans.action_plan_submit(plan=plan, actor=headteacher, text=text, items=items, upload=file, today=on)


def test_issuing_a_concerns_letter_asks_the_school_for_a_plan_and_emails_its_headteacher(
    letter, plan, headteacher, mailoutbox
):
    assert plan.status == PlanStatus.REQUESTED
    assert plan.due_on == date(2027, 1, 11)
    assert [e.kind for e in plan.events.all()] == [PlanEventKind.REQUESTED]
    assert [m.to for m in mailoutbox if "action plan" in m.subject] == [[headteacher.email]]
    assert "11 January 2027" in mailoutbox[-1].body
    assert f"{settings.SITE_URL}/letters/our-plans/{plan.pk}/" in mailoutbox[-1].body  # the school's page


def test_a_congratulations_letter_asks_for_no_plan(link_school, adviser, officer):
    letter = issued(link_school, "congratulations", drafter=adviser, officer=officer)
    assert not ActionPlan.objects.filter(letter=letter).exists()


def test_the_headteacher_sends_the_plan_with_a_file_and_the_adviser_is_emailed(
    plan, headteacher, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(plan, headteacher, on=date(2027, 1, 8), file=upload("Our plan.pdf", PDF))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert (plan.file_name, plan.file_kind, plan.file_size) == ("Our plan.pdf", "pdf", len(PDF))
    assert plan.file.name.endswith(".pdf")
    assert "Our plan" not in plan.file.name
    assert [i.description for i in plan.items.all()] == [i.description for i in ITEMS]
    assert not plan.is_late
    assert [m.to for m in mailoutbox] == [[adviser.email]]
    assert f"{settings.SITE_URL}/letters/plans/{plan.pk}/" in mailoutbox[0].body  # the LA's page of it


def test_a_plan_sent_after_its_date_is_taken_and_marked_late(plan, headteacher):
    _submit(plan, headteacher, on=date(2027, 1, 12))
    plan.refresh_from_db()
    assert plan.is_late
    assert plan.status == PlanStatus.SUBMITTED
    assert "after the date it was due" in plan.events.last().comments


def test_the_school_revises_until_the_la_reviews_then_cannot(plan, headteacher, adviser):
    _submit(plan, headteacher, on=date(2027, 1, 5))
    _submit(plan, headteacher, on=date(2027, 1, 13), items=ITEMS[:1])
    plan.refresh_from_db()
    assert plan.items.count() == 1
    assert not plan.is_late
    assert [e.kind for e in plan.events.all()][-2:] == [PlanEventKind.SUBMITTED, PlanEventKind.REVISED]
    action_plans.action_plan_review(plan=plan, actor=adviser, view="accepted")
    with pytest.raises(ValidationError) as caught:
        _submit(plan, headteacher, on=date(2027, 1, 14))
    assert caught.value.messages == [action_plans.ALREADY_ACCEPTED]


def test_the_plan_sent_again_as_it_was_records_no_revision_and_emails_nobody(
    plan, headteacher, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(plan, headteacher, on=date(2027, 1, 5), file=upload("Our plan.pdf", PDF))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(plan, headteacher, on=date(2027, 1, 6))  # a double click, or Back and send again
    plan.refresh_from_db()
    assert [e.kind for e in plan.events.all()] == [PlanEventKind.REQUESTED, PlanEventKind.SUBMITTED]
    assert (plan.submitted_on, plan.file_name, plan.items.count()) == (date(2027, 1, 5), "Our plan.pdf", 2)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        _submit(plan, headteacher, on=date(2027, 1, 6), text="Our plan, with dates for governors")
    assert [e.kind for e in plan.events.all()][-1] == PlanEventKind.REVISED
    assert [m.to for m in mailoutbox] == [[adviser.email]]


def test_a_bad_file_changes_nothing(plan, headteacher):
    with pytest.raises(ValidationError) as caught:
        _submit(plan, headteacher, on=date(2027, 1, 5), file=upload("plan.pdf", EXE))
    assert caught.value.message_dict == {"file": [plan_files.FILE_NOT_A_PLAN]}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED
    assert not plan.file
    assert plan.items.count() == 0


def test_a_bad_file_and_no_actions_are_both_named_at_once(plan, headteacher):
    with pytest.raises(ValidationError) as caught:
        _submit(plan, headteacher, on=date(2027, 1, 5), text="", items=[], file=upload("plan.pdf", EXE))
    assert caught.value.message_dict == {
        "file": [plan_files.FILE_NOT_A_PLAN],
        "__all__": [action_plans.NO_ACTIONS],
    }
    plan.refresh_from_db()
    assert (plan.status, bool(plan.file)) == (PlanStatus.REQUESTED, False)


def test_only_the_schools_headteacher_sends_it(plan, governor, adviser):
    for person in (governor, adviser):
        with pytest.raises(PermissionDenied):
            _submit(plan, person, on=date(2027, 1, 5))


def test_accepting_puts_the_actions_on_the_schools_action_list(
    plan, headteacher, adviser, mailoutbox, django_capture_on_commit_callbacks
):
    _submit(plan, headteacher, on=date(2027, 1, 5))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action_plans.action_plan_review(plan=plan, actor=adviser, view="accepted", comments="A clear plan")
    actions = list(Action.objects.filter(action_plan=plan).order_by("due_on"))
    assert [(a.description, a.owner, a.due_on, a.school_id) for a in actions] == [
        (i.description, i.owner, i.due_on, plan.letter.school_id) for i in ITEMS
    ]
    assert [a.description for a in governor_school_actions(school=plan.letter.school)] == [ITEMS[0].description]
    assert [m.to for m in mailoutbox] == [[headteacher.email]]
    assert "A clear plan" in mailoutbox[0].body


def test_more_needed_goes_back_to_the_school_to_revise(plan, headteacher, officer):
    _submit(plan, headteacher, on=date(2027, 1, 5))
    action_plans.action_plan_review(plan=plan, actor=officer, view="more_needed", comments="Add dates for governors")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.MORE_NEEDED
    assert not plan.actions.exists()
    with pytest.raises(ValidationError) as caught:
        action_plans.action_plan_review(plan=plan, actor=officer, view="accepted")
    assert caught.value.messages == [action_plans.NOT_SUBMITTED]
    _submit(plan, headteacher, on=date(2027, 1, 20))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_las_comments_are_kept_normalised_and_trimmed(plan, headteacher, officer):
    # Moved here from the rule's test: the service, not the rule, keeps the text (ADR 0042).
    _submit(plan, headteacher, on=date(2027, 1, 5))
    action_plans.action_plan_review(plan=plan, actor=officer, view="more_needed", comments=" Add dates \x00")
    plan.refresh_from_db()
    assert plan.view_comments == "Add dates"


def test_only_the_link_adviser_or_an_officer_reviews(plan, headteacher, make_user):
    from accounts.roles import Role

    _submit(plan, headteacher, on=date(2027, 1, 5))
    other_adviser = make_user(Role.ADVISER, username="other_adviser")
    with pytest.raises(PermissionDenied):
        action_plans.action_plan_review(plan=plan, actor=other_adviser, view="accepted")


def test_a_warning_notices_plan_is_the_governing_bodys_response(
    link_school, headteacher, adviser, officer, second_officer, on_day
):
    on_day(ISSUED_ON)
    notice = issued(
        link_school, "warning_notice", drafter=second_officer, officer=officer, compliance_end_date=date(2027, 1, 4)
    )
    plan = notice.action_plan
    assert plan.due_on == date(2027, 1, 4)
    on_day(date(2027, 1, 4))
    _submit(plan, headteacher, on=date(2027, 1, 4), text="Governors will meet weekly")
    notice.progress.refresh_from_db()
    assert notice.progress.response_received_on == date(2027, 1, 4)
    assert "Governors will meet weekly" in notice.progress.response_text
    assert ITEMS[0].description in notice.progress.response_text
    # The officer's own entry still works (and corrects it).
    from letters import services

    services.warning_notice_response_record(
        letter=notice, actor=officer, received_on=date(2027, 1, 4), text="Corrected", today=date(2027, 1, 4)
    )
    notice.progress.refresh_from_db()
    assert notice.progress.response_text == "Corrected"


def test_an_action_has_one_source(plan, headteacher, adviser):
    from django.db import IntegrityError, transaction

    from tests.visits.factories import VisitFactory

    _submit(plan, headteacher, on=date(2027, 1, 5))
    action_plans.action_plan_review(plan=plan, actor=adviser, view="accepted")
    action = plan.actions.first()
    action.visit = VisitFactory(school=plan.letter.school)
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_the_letter_can_name_the_date_its_plan_is_due(link_school):
    from letters.models import LetterType
    from letters.placeholders import Facts, fill_inline

    kind = LetterType.objects.get(code=LetterKind.SIGNIFICANT_CONCERNS)
    facts = Facts.for_school(link_school, kind, issue_date=ISSUED_ON)
    assert fill_inline("Send your plan by {plan_due_date}.", facts) == "Send your plan by 11 January 2027."
    assert Facts.for_school(link_school, kind).value("plan_due_date") == ""  # no date of issue yet
    notice = Facts.for_school(
        link_school, LetterType.objects.get(code="warning_notice"), issue_date=ISSUED_ON,
        compliance_end_date=date(2026, 12, 31),
    )  # fmt: skip
    assert notice.value("plan_due_date") == "31 December 2026"
