"""The school answers a letter of concern with its action plan (issue 14, docs/adr/0033).

- Issuing a significant concerns letter (either tier) or a warning notice asks the school for a
  plan (PLAN_KINDS; never a congratulations letter or a letter to a trust): an ActionPlan is created
  in letter_issue's transaction with the date it is due (`ActionPlan.due_on`; `{plan_due_date}` in
  the letter's text), and the school's headteachers are emailed.
- The headteacher sends the plan: a file (PDF, Word, Excel or OpenDocument text, judged from its
  bytes) and/or the plan written out, with its actions (description, owner, due date). They may
  send it again until the LA has reviewed it; a plan first sent after its due date is marked late.
  The LA (the link adviser, or the officers when the school has none) is emailed. For a warning
  notice the plan's receipt fills the governing body's response (WarningNoticeProgress).
- The link adviser or an officer records the LA's view (sent to the school): accepted, when the
  plan's actions join the school's action list (visits.Action with `action_plan`), or more needed,
  with comments, when the school revises it. An internal note is kept apart and never shown to
  the school. Every step is on the plan's history (ActionPlanEvent).

The rules are in letters.action_plans_rules and the reads in letters.action_plans_selectors, both
re-exported here."""

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.headships import headteachers_of
from accounts.models import User
from accounts.permissions import is_headteacher_of_school
from accounts.roles import Role
from core.emails import A_HEADTEACHER, A_REVIEWER, emails_queue, not_sent_to, send_and_record
from core.history import save_as
from core.text import normalise_text
from core.uploads import original_name, stored_name
from core.versions import refuse_if_changed_since

from .action_plans_rules import COMMENTS_REQUIRED as COMMENTS_REQUIRED
from .action_plans_rules import NO_ACTIONS as NO_ACTIONS
from .action_plans_rules import PLAN_ACTION_DUE_BEFORE_LETTER as PLAN_ACTION_DUE_BEFORE_LETTER
from .action_plans_rules import PLAN_ACTION_DUE_DATE as PLAN_ACTION_DUE_DATE
from .action_plans_rules import PLAN_EMPTY as PLAN_EMPTY
from .action_plans_rules import VIEW_REQUIRED as VIEW_REQUIRED
from .action_plans_rules import PlanItem as PlanItem
from .action_plans_rules import a_late_plan_is_taken_and_marked_late as a_late_plan_is_taken_and_marked_late
from .action_plans_rules import a_letter_of_concern_asks_for_a_plan as a_letter_of_concern_asks_for_a_plan
from .action_plans_rules import a_plan_has_actions as a_plan_has_actions
from .action_plans_rules import a_plan_has_its_content as a_plan_has_its_content
from .action_plans_rules import a_plan_has_its_content_and_actions as a_plan_has_its_content_and_actions
from .action_plans_rules import a_plans_actions_fall_due_after_its_letter as a_plans_actions_fall_due_after_its_letter
from .action_plans_rules import more_needed_says_what as more_needed_says_what
from .action_plans_rules import (
    the_plan_is_due_by_the_date_the_letter_sets as the_plan_is_due_by_the_date_the_letter_sets,
)
from .action_plans_selectors import LISTED_FIELDS as LISTED_FIELDS
from .action_plans_selectors import history_for_school as history_for_school
from .action_plans_selectors import listed as listed
from .action_plans_selectors import may_review as may_review
from .action_plans_selectors import plan_for_headteacher as plan_for_headteacher
from .action_plans_selectors import plan_for_staff as plan_for_staff
from .action_plans_selectors import plans_awaiting_review as plans_awaiting_review
from .action_plans_selectors import plans_of_headteacher as plans_of_headteacher
from .action_plans_selectors import plans_overdue as plans_overdue
from .action_plans_selectors import plans_to_send as plans_to_send
from .models import Letter, WarningNoticeProgress
from .models_action_plans import (
    PLAN_OPEN_STATUSES,
    ActionPlan,
    ActionPlanEmail,
    ActionPlanEvent,
    ActionPlanItem,
    PlanEmailKind,
    PlanEventKind,
    PlanStatus,
    PlanView,
)
from .placeholders import PLAN_KINDS as PLAN_KINDS  # the letters that ask for a plan
from .placeholders import long_date
from .plan_files import plan_file_kind

NOT_THE_HEADTEACHER = "Only the school's headteacher can send its action plan."
ALREADY_ACCEPTED = "The local authority has accepted this plan: it can no longer be changed."
NOT_SUBMITTED = "There is no plan to review: the school has not sent one since the last review."
ALREADY_REVIEWED = (
    "{who} recorded the local authority's view of this plan ({view}) at {when:%H:%M} on {when:%-d %B %Y}, "
    "after this page was opened. Nothing you typed has been saved: it is still below, to copy if you need it."
)
NOT_A_REVIEWER = "Only the school's link adviser or an officer can record the local authority's view."
RESPONSE_FROM_PLAN = "Action plan sent in the service on {day}"


# ---- writes ---------------------------------------------------------------------------------------


def _event(plan: ActionPlan, kind: str, actor, comments: str = "", internal_note: str = "") -> None:
    ActionPlanEvent.objects.create(
        plan=plan, kind=kind, actor=actor, at=timezone.now(), comments=comments, internal_note=internal_note
    )


def _la_recipients(plan: ActionPlan) -> list[User]:
    adviser = plan.letter.school.link_adviser
    if adviser is not None and adviser.is_active:
        return [adviser]
    return list(User.objects.filter(is_active=True, groups__name=Role.OFFICER.value).distinct().order_by("username"))


def _queue_emails(plan: ActionPlan, kind: PlanEmailKind) -> list[ActionPlanEmail]:
    """An ActionPlanEmail per recipient, each queued for the task (after commit)."""
    from . import tasks

    people = _la_recipients(plan) if kind == PlanEmailKind.SUBMITTED else list(headteachers_of(plan.letter.school))
    return emails_queue(
        ActionPlanEmail, people, task=tasks.send_action_plan_email, lock="plan-email", plan=plan, kind=kind
    )


def action_plan_request(*, letter: Letter, actor: User) -> ActionPlan | None:
    """Called in letter_issue's transaction: a letter of concern asks the school for its plan by the
    date it sets, and the school's headteachers are emailed (after commit). None for other letters."""
    if not a_letter_of_concern_asks_for_a_plan(code=letter.letter_type.code) or letter.issued_on is None:
        return None
    plan = ActionPlan(
        letter=letter,
        due_on=the_plan_is_due_by_the_date_the_letter_sets(
            issued_on=letter.issued_on,
            compliance_end_date=letter.compliance_end_date if letter.letter_type.is_warning_notice else None,
        ),
    )
    save_as(plan, actor=actor)
    _event(plan, PlanEventKind.REQUESTED, actor, f"The plan is due by {long_date(plan.due_on)}.")
    _queue_emails(plan, PlanEmailKind.REQUESTED)
    return plan


def _store_file(plan: ActionPlan, upload, kind: str) -> None:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    plan.file_name = original_name(upload.name)
    plan.file_kind = kind
    plan.file_size = upload.size
    plan.file_sha256 = digest.hexdigest()
    plan.file.save(stored_name(f"plan-{plan.file_sha256[:16]}", kind), ContentFile(upload.read()), save=False)


@transaction.atomic
def action_plan_submit(
    *,
    plan: ActionPlan,
    actor: User,
    text: str,
    items: list[PlanItem],
    upload=None,
    today: date | None = None,
    version: str | None = None,
) -> ActionPlan:
    """The headteacher sends (or sends again) the school's plan. A new file replaces the last one;
    without one, the file already sent is kept. The items replace the plan's actions. The plan sent
    again just as it awaits review (a double click, or Back and send again) is returned unchanged:
    no revision is recorded and the LA is not emailed again. From a page (`version` given), any other
    plan is refused if the plan changed since the page was opened (sent from another tab, or the
    LA's view given): core.versions."""
    plan = (
        ActionPlan.objects.select_for_update().select_related("letter__school", "letter__letter_type").get(pk=plan.pk)
    )
    if not is_headteacher_of_school(actor, plan.letter.school):
        raise PermissionDenied(NOT_THE_HEADTEACHER)
    if plan.status not in PLAN_OPEN_STATUSES:
        raise ValidationError(ALREADY_ACCEPTED)
    text = normalise_text(text).strip()
    items = [PlanItem(normalise_text(i.description).strip(), i.owner, i.due_on) for i in items if i.description.strip()]
    errors: dict[str, list[str]] = {}
    if upload:  # a file that is not what it says is named with any other problem, in one round
        try:
            kind = plan_file_kind(upload)
        except ValidationError as error:
            errors["file"] = error.messages
    errors |= a_plan_has_its_content_and_actions(text=text, has_file=bool(upload) or bool(plan.file), items=items)
    issued_on, today = plan.letter.issued_on, today or timezone.localdate()
    assert issued_on is not None  # a plan is asked for by an issued letter
    if due := a_plans_actions_fall_due_after_its_letter(items=items, issued_on=issued_on, today=today):
        errors.setdefault("__all__", []).extend(due.values())  # (the page shows each on its row first)
    if errors:
        raise ValidationError(errors)
    if plan.status == PlanStatus.SUBMITTED and not upload and _as_sent(plan, text=text, items=items):
        return plan
    refuse_if_changed_since(plan, version, noun="plan", actor=actor)
    if upload:
        _store_file(plan, upload, kind)
    revised = plan.first_submitted_on is not None
    plan.text = text
    plan.submitted_on, plan.submitted_by = today, actor
    plan.first_submitted_on = plan.first_submitted_on or today
    plan.status = PlanStatus.SUBMITTED
    save_as(plan, actor=actor)
    plan.items.all().delete()
    ActionPlanItem.objects.bulk_create(
        ActionPlanItem(plan=plan, description=i.description, owner=i.owner, due_on=i.due_on, order=n)
        for n, i in enumerate(items)
    )
    late = " Sent after the date it was due." if plan.is_late and not revised else ""
    summary = f"{len(items)} action{'s' if len(items) != 1 else ''}" + (f"; file {plan.file_name}" if plan.file else "")
    _event(plan, PlanEventKind.REVISED if revised else PlanEventKind.SUBMITTED, actor, f"{summary}.{late}")
    if plan.letter.letter_type.is_warning_notice:
        _record_warning_notice_response(plan, actor)
    _queue_emails(plan, PlanEmailKind.SUBMITTED)
    return plan


def _as_sent(plan: ActionPlan, *, text: str, items: list[PlanItem]) -> bool:
    """The text and actions (in order) are those the school last sent."""
    sent = [PlanItem(i.description, i.owner, i.due_on) for i in plan.items.all()]
    return plan.text == text and sent == items


def _record_warning_notice_response(plan: ActionPlan, actor: User) -> None:
    """The plan is the governing body's response to the warning notice: its receipt fills the
    response on the notice's progress (which an officer may still correct on the letter's page)."""
    progress, _ = WarningNoticeProgress.objects.select_for_update().get_or_create(letter=plan.letter)
    lines = [RESPONSE_FROM_PLAN.format(day=long_date(plan.submitted_on))]
    if plan.file:
        lines.append(f"File: {plan.file_name}")
    if plan.text:
        lines.append(plan.text)
    lines += [
        f"- {item.description} ({item.get_owner_display()}, by {long_date(item.due_on)})" for item in plan.items.all()
    ]
    progress.response_received_on = plan.first_submitted_on
    progress.response_text = "\n".join(lines)
    save_as(progress, actor=actor)


@transaction.atomic
def action_plan_review(
    *,
    plan: ActionPlan,
    actor: User,
    view: str,
    comments: str = "",
    internal_note: str = "",
    version: str | None = None,
) -> ActionPlan:
    """The link adviser or an officer records the LA's view of the plan the school sent. Accepted:
    its actions join the school's action list; more needed: it goes back to the school.

    From a page (`version` given), the view is of the plan the page showed: one reviewed since in
    another tab or by someone else is refused naming who and what they recorded, and one the
    school sent again since is refused by its version (core.versions), so no one accepts what they
    have not read."""
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("letter__school", "reviewed_by")
        .get(pk=plan.pk)
    )
    if not may_review(actor, plan):
        raise PermissionDenied(NOT_A_REVIEWER)
    if plan.status != PlanStatus.SUBMITTED:
        if version is not None and plan.reviewed_at is not None:
            raise ValidationError(_already_reviewed(plan, actor))
        raise ValidationError(NOT_SUBMITTED)
    refuse_if_changed_since(plan, version, noun="plan", actor=actor)
    if errors := more_needed_says_what(view=view, comments=comments):
        raise ValidationError(errors)
    comments = normalise_text(comments).strip()
    internal_note = normalise_text(internal_note).strip()
    plan.view, plan.view_comments, plan.internal_note = view, comments, internal_note
    plan.reviewed_at, plan.reviewed_by = timezone.now(), actor
    plan.status = PlanStatus.ACCEPTED if view == PlanView.ACCEPTED else PlanStatus.MORE_NEEDED
    save_as(plan, actor=actor)
    if view == PlanView.ACCEPTED:
        from visits.services import NewAction, action_plan_actions_create

        action_plan_actions_create(
            plan=plan,
            school=plan.letter.school,
            new_actions=[NewAction(i.description, i.owner, i.due_on) for i in plan.items.all()],
            actor=actor,
        )
    kind = PlanEventKind.ACCEPTED if view == PlanView.ACCEPTED else PlanEventKind.MORE_NEEDED
    _event(plan, kind, actor, comments, internal_note)
    _queue_emails(plan, PlanEmailKind.REVIEWED)
    return plan


def _already_reviewed(plan: ActionPlan, actor: User) -> str:
    reviewer = plan.reviewed_by
    if reviewer is None:
        who = "Someone"
    else:
        who = "You" if reviewer.pk == actor.pk else reviewer.get_full_name() or reviewer.username
    when = timezone.localtime(plan.reviewed_at)
    view = plan.get_view_display().partition(":")[0].lower()  # "accepted", "more needed"
    return ALREADY_REVIEWED.format(who=who, view=view, when=when)


# ---- the email task's work ------------------------------------------------------------------------

SUBJECTS = {
    PlanEmailKind.REQUESTED: "an action plan is asked of the school",
    PlanEmailKind.SUBMITTED: "an action plan was sent",
    PlanEmailKind.REVIEWED: "the local authority's view of the school's action plan",
}


def _page_for(plan, kind: str) -> str:
    """The page the email's reader opens: the LA's page of a plan sent to it, the school's otherwise."""
    name = "letters:plan" if kind == PlanEmailKind.SUBMITTED else "letters:school_plan"
    return reverse(name, kwargs={"pk": plan.pk})


def action_plan_email_send(email_id: int, *, last_attempt: bool = True) -> None:
    """Send one ActionPlanEmail (task letters.tasks.send_action_plan_email): what and where, and to the
    school the LA's view as sent to it (never the internal note); only to someone who still may read
    it, asked as _queue_emails chose them: the school's headteacher, or for a plan sent to the LA its
    link adviser or an officer (may_review). A failure is recorded on the row and, before the last
    attempt, raised again for the queue to retry unless the mail server refused it for good."""
    email = ActionPlanEmail.objects.select_related(
        "plan__letter__school", "plan__letter__letter_type", "recipient"
    ).get(pk=email_id)
    if email.emailed_at or not email.address:
        return
    plan, recipient = email.plan, email.recipient
    if email.kind == PlanEmailKind.SUBMITTED:
        not_sent = not_sent_to(recipient, entitled=may_review(recipient, plan), seat=A_REVIEWER)
    else:
        entitled = is_headteacher_of_school(recipient, plan.letter.school)
        not_sent = not_sent_to(recipient, entitled=entitled, seat=A_HEADTEACHER)
    body = render_to_string(
        "letters/email/action_plan.txt",
        {
            "email": email,
            "plan": plan,
            "letter": plan.letter,
            "school": plan.letter.school,
            "kind": email.kind,
            "due_on": long_date(plan.due_on),
            "url": settings.SITE_URL.rstrip("/") + _page_for(plan, PlanEmailKind(email.kind)),
            "service": settings.SERVICE_NAME,
            "council": settings.COUNCIL_NAME,
        },
    )
    subject = f"{settings.SERVICE_NAME}: {SUBJECTS[PlanEmailKind(email.kind)]}, {plan.letter.school.name}"
    send_and_record(
        ActionPlanEmail.objects.filter(pk=email_id),
        subject=subject,
        body=body,
        address=email.address,
        last_attempt=last_attempt,
        what="action plan",
        not_sent=not_sent,
    )
