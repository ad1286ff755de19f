"""An officer's review of a submitted categorisation: returning it to the adviser with comments, or
approving it (four eyes, never for a term before the current category's), which makes it the
school's current category, tells the school and alerts the ward's elected members of a school newly
at high support. Re-exported by categorisation.services, whose docstring holds the conventions."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import save_as
from schools.models import ElectedMemberAlertKind
from schools.services import elected_members_alert

from .models import Categorisation, EventKind, Status, SupportLevel
from .notices import category_notice_send
from .rules import (
    a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one,
    elected_members_are_alerted_of_significant_concern,
    four_eyes_an_officer_approves_a_judgement_made_by_someone_else,
)
from .selectors import current_category, judgement_authors
from .services_categorise import _event, _locked, _status_label

NOT_WAITING = "This categorisation is not waiting for approval (it is {status})."
ALREADY_APPROVED = "This categorisation was already approved by {user} on {when}."
COMMENTS_REQUIRED = "Enter your comments for the adviser"
OFFICER_ONLY = "Only an officer may approve or return a categorisation."


def _check_reviewable(categorisation: Categorisation, actor: User) -> None:
    if not actor.has_perm("categorisation.review"):
        raise PermissionDenied(OFFICER_ONLY)
    if categorisation.status == Status.APPROVED:
        approver = categorisation.approved_by
        raise ValidationError(
            ALREADY_APPROVED.format(
                user=(approver.get_full_name() or approver.username) if approver else "an officer",
                when=f"{timezone.localtime(categorisation.approved_at):%-d %B %Y at %H:%M}",
            )
        )
    if categorisation.status != Status.SUBMITTED:
        raise ValidationError(NOT_WAITING.format(status=_status_label(categorisation)))


@transaction.atomic
def categorisation_return(*, categorisation: Categorisation, actor: User, comments: str) -> Categorisation:
    """An officer returns a submitted categorisation to the adviser with comments."""
    categorisation = _locked(categorisation)
    _check_reviewable(categorisation, actor)
    if not comments.strip():
        raise ValidationError({"comments": COMMENTS_REQUIRED})
    categorisation.status = Status.RETURNED
    categorisation.returned_at, categorisation.returned_by = timezone.now(), actor
    categorisation.review_comments = comments.strip()
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.RETURNED, actor, comments.strip())
    return categorisation


@transaction.atomic
def categorisation_approve(
    *,
    categorisation: Categorisation,
    actor: User,
    comments: str = "",
    approved_at: datetime | None = None,
    tell_school: bool = True,
) -> Categorisation:
    """An officer approves a submitted categorisation: it becomes the school's current category
    (superseding the previous one, which is never changed). A school newly at high support
    alerts its ward's elected members in the same transaction. Guarded against a double approval
    (the row is locked, and the status checked under the lock); four eyes: the officer must not
    have submitted, started or changed it; and it must not be for a term before the current
    category's. `approved_at` is for loading history (the demo); it defaults to now. The school is
    told its category (categorisation.notices: its headteachers and chair of governors are emailed
    the level, what it means and the reasons in plain words) unless `tell_school` is False (history
    loaded by the demo)."""
    categorisation = _locked(categorisation)
    _check_reviewable(categorisation, actor)
    if errors := four_eyes_an_officer_approves_a_judgement_made_by_someone_else(
        approver_id=actor.pk, authors=judgement_authors(categorisation)
    ):
        raise ValidationError(errors)
    previous = current_category(categorisation.school)
    if errors := a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one(
        academic_year=categorisation.academic_year,
        term=categorisation.term,
        current_year=previous.academic_year if previous else None,
        current_term=previous.term if previous else None,
    ):
        raise ValidationError(errors)
    categorisation.status = Status.APPROVED
    categorisation.approved_at, categorisation.approved_by = approved_at or timezone.now(), actor
    categorisation.supersedes_id = previous.categorisation_id if previous else None
    if comments.strip():
        categorisation.review_comments = comments.strip()
    save_as(categorisation, actor=actor)
    _event(categorisation, EventKind.APPROVED, actor, comments.strip(), at=categorisation.approved_at)
    if tell_school:
        category_notice_send(categorisation=categorisation, actor=actor)
    previous_level = previous.level if previous else None
    if elected_members_are_alerted_of_significant_concern(previous=previous_level, level=categorisation.level):
        before = "not categorised before"
        if previous_level:
            before = f"previously {SupportLevel(previous_level).label.lower()}"
        elected_members_alert(
            school=categorisation.school,
            kind=ElectedMemberAlertKind.HIGH_SUPPORT,
            summary=(
                f"{categorisation.school.name} has been categorised as high support for {categorisation.term_label} "
                f"({before}): a significant cause for concern. It will be visited at least "
                "half-termly and a Monitoring Support Partnership group will hold it to account."
            ),
            actor=actor,
        )
    return categorisation
