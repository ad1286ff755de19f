"""A document the LA shares with the governing body too is emailed to the school's governors as well
as its headteachers; one for the school alone is not (docs/adr/0087)."""

from contextlib import nullcontext

import pytest
from django.core import mail

from accounts.roles import Role
from accounts.services import user_set_role
from core import emails
from exchange import services
from exchange.models import DocumentEmail, DocumentKind
from schools.models import Governorship

pytestmark = pytest.mark.django_db


def share(upload, adviser, captured=None, *, for_governors: bool):
    """Share an LA document; its emails are sent after the commit when `captured` (the on-commit
    fixture) is given, and otherwise wait for the test to send them."""
    with captured(execute=True) if captured else nullcontext():
        return upload(adviser, kind=DocumentKind.LA_DOCUMENT, title="Termly data pack", for_governors=for_governors)


def test_a_document_for_the_governing_body_is_emailed_to_each_governor_and_the_headteacher(
    upload, adviser, headteacher, governor, make_user, school, django_capture_on_commit_callbacks
):
    member = make_user(Role.GOVERNOR, username="member", first_name="Mo", last_name="Ahmed")
    Governorship.objects.create(user=member, school=school)
    share(upload, adviser, django_capture_on_commit_callbacks, for_governors=True)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([headteacher.email, governor.email, member.email])
    to_governor = next(message for message in mail.outbox if message.to == [governor.email])
    assert f"has shared a document with the governing body of {school.name}" in to_governor.body
    assert "Termly data pack" in to_governor.body
    to_head = next(message for message in mail.outbox if message.to == [headteacher.email])
    assert "governing body" not in to_head.body
    assert DocumentEmail.objects.filter(emailed_at__isnull=False).count() == 3


def test_a_document_for_the_school_alone_emails_no_governor(
    upload, adviser, headteacher, governor, django_capture_on_commit_callbacks
):
    share(upload, adviser, django_capture_on_commit_callbacks, for_governors=False)
    assert [message.to for message in mail.outbox] == [[headteacher.email]]
    assert not DocumentEmail.objects.filter(recipient=governor).exists()


def test_governors_of_another_school_and_deactivated_governors_are_not_emailed(
    upload, adviser, headteacher, governor, other_governor, django_capture_on_commit_callbacks
):
    governor.is_active = False
    governor.save()
    share(upload, adviser, django_capture_on_commit_callbacks, for_governors=True)
    assert [message.to for message in mail.outbox] == [[headteacher.email]]


def test_a_governor_who_left_the_governing_body_before_the_email_went_is_not_sent_it(
    upload, adviser, headteacher, governor
):
    document = share(upload, adviser, for_governors=True)
    Governorship.objects.filter(user=governor).delete()
    email = DocumentEmail.objects.get(recipient=governor)
    services.document_email_send(email.pk)
    email.refresh_from_db()
    assert email.error == emails.NO_LONGER_ENTITLED.format(name=governor, seat=emails.A_GOVERNOR)
    assert email.emailed_at is None
    assert document.emails.count() == 2
    assert mail.outbox == []


def test_a_document_withdrawn_before_its_email_went_is_not_emailed(upload, adviser, headteacher):
    document = share(upload, adviser, for_governors=False)
    services.document_withdraw(document=document, actor=adviser, reason="Wrong school")
    email = DocumentEmail.objects.get()
    services.document_email_send(email.pk)
    email.refresh_from_db()
    assert (email.error, email.emailed_at) == (services.WITHDRAWN_SINCE, None)
    assert mail.outbox == []


def test_a_governor_whose_role_changed_is_told_as_a_governor_not_a_headteacher(
    upload, adviser, headteacher, make_user, school
):
    """Why the email was queued is kept on its row (to_governor): a governor made an adviser is "no
    longer a governor of the school", not "no longer a headteacher" (the review)."""
    member = make_user(Role.GOVERNOR, username="member", first_name="Mo", last_name="Ahmed")
    Governorship.objects.create(user=member, school=school)
    share(upload, adviser, for_governors=True)
    user_set_role(user=member, role=Role.ADVISER, actor=None)
    email = DocumentEmail.objects.get(recipient=member)
    services.document_email_send(email.pk)
    email.refresh_from_db()
    assert email.error == emails.NO_LONGER_ENTITLED.format(name=member, seat=emails.A_GOVERNOR)


def test_a_governor_without_a_name_is_greeted_by_their_account_not_as_headteacher(
    upload, adviser, make_user, school, django_capture_on_commit_callbacks
):
    nameless = make_user(Role.GOVERNOR, username="gov7", first_name="", last_name="")
    Governorship.objects.create(user=nameless, school=school)
    share(upload, adviser, django_capture_on_commit_callbacks, for_governors=True)
    [message] = mail.outbox
    assert message.body.startswith("Dear gov7,")
