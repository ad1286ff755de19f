"""The visit and MSP rules of the School Improvement Strategy that are not about counting
entitlement (for those see visits.entitlement). Each function is named after the clause it
implements, quotes it, and has a test of the same name in tests/visits/test_rules.py. A rule
returns the errors it finds, by form field ({} when allowed), and the service raises them
(docs/adr/0042)."""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from core.dates import add_months
from schools.models import TermName
from schools.terms import term_on

from .models import FocusArea, VisitType

VISIT_IN_FUTURE = "A visit dated in the future cannot be marked as completed. Change its date or wait until the day."
CANCEL_REASON_REQUIRED = "Enter why the visit is cancelled"
VISIT_NOT_PLANNED = "This visit is already {status}."
NOT_PUBLISHABLE_UNTIL_HELD = "Record the meeting as held before publishing its summary."
SUMMARY_REQUIRED = "Enter the summary key points before publishing them"
ALREADY_PUBLISHED = "The summary of this meeting was already published on {when:%d %B %Y}."
# The strategy's members of a group (the form's introduction says why each is asked for).
MSP_HEADTEACHER_REQUIRED = "Enter the headteacher's name"
MSP_GOVERNOR_REQUIRED = "Enter the name of the chair or vice-chair of governors"
MSP_LINK_ADVISER_REQUIRED = "Choose the link School Improvement Adviser"

AUTUMN_CORE_AGENDA = [
    FocusArea.QUALITY_OF_EDUCATION,
    FocusArea.OUTCOMES,
    FocusArea.SELF_EVALUATION,
    FocusArea.IMPROVEMENT_PRIORITIES,
    FocusArea.PUPIL_TARGETS,
]


def autumn_core_visit_agenda(*, visit_type: str, visit_date: date | None) -> list[str]:
    """ "One visit, typically in the Autumn, will include discussions about the quality of education,
    the outcomes pupils achieve, the school's self-evaluation judgements, school improvement
    priorities and pupil targets. The other two visits will be bespoke to the school."

    The focus areas a core-entitlement visit in the autumn term starts with; other visits start
    with none (bespoke)."""
    if visit_type != VisitType.CORE or visit_date is None:
        return []
    if term_on(visit_date).term != TermName.AUTUMN:
        return []
    return [area.value for area in AUTUMN_CORE_AGENDA]


PLANNED_TOO_FAR_AHEAD = "{label} must be no later than {limit:%-d %B %Y}, 2 years from today: check the year"
PLAN_AHEAD_MONTHS = 24
PLANNED_DATE_LABELS = {
    "visit_date": "The date of the visit",
    "held_on": "The date of the meeting",
    "due_on": "The due date",
}


def planned_no_more_than_two_years_ahead(
    *, day: date, today: date, field: str, label: str = ""
) -> dict[str, list[str]]:
    """A visit or an MSP meeting is planned at most two years ahead. The strategy plans visits a
    year at a time and meetings half-termly, so a date further off is a mistyped year (2062 for
    2026); planned, it would ask the headteacher at once to prepare for it and sit in the
    adviser's calendar for decades. `label` names the date when the field's own name is not
    enough ("Due date of new action 2"). The one definition of the limit: an action's due date
    is held to it too (an_action_falls_due_no_more_than_two_years_ahead)."""
    limit = add_months(today, PLAN_AHEAD_MONTHS)
    if day <= limit:
        return {}
    return {field: [PLANNED_TOO_FAR_AHEAD.format(label=label or PLANNED_DATE_LABELS[field], limit=limit)]}


# ---- actions ----------------------------------------------------------------------------------

# How a message names a new action's due date: by its row's number on the page, as its legend
# does ("New action 2"); the row's date boxes use it too ("Due date of new action 2 must be a real date").
VISIT_ALREADY_THAT_DAY = (
    "A {kind} visit to {school} is already {status} on {day:%A %-d %B %Y}: change that visit rather than plan a "
    "second, or choose another day"
)
VISIT_MOVED_ONTO_ANOTHER = (
    "A {kind} visit to {school} is already {status} on {day:%A %-d %B %Y} at that time: choose another day or "
    "time, or record what happened on that visit and cancel this one"
)


def one_visit_of_a_kind_to_a_school_a_day(
    *, clash, school_name: str, visit_date: date, moved: bool = False
) -> dict[str, list[str]]:
    """A second visit of the same kind to the same school on the same day at the same time (or both
    with no time) (`clash`: the one already there, planned or completed, if any) is a slip: two tabs
    or two advisers planning it, the school's headteacher asked twice to prepare and the entitlement
    counted twice. One at a time of its own (the afternoon's) is another visit. `moved`: a visit
    recorded as on another day, time or kind than it was, onto the one already there."""
    if clash is None:
        return {}
    kind, status = clash.get_visit_type_display().lower(), clash.get_status_display().lower()
    said = {"kind": kind, "school": school_name, "status": status, "day": visit_date}
    message = VISIT_MOVED_ONTO_ANOTHER.format(**said) if moved else VISIT_ALREADY_THAT_DAY.format(**said)
    return {"visit_date": [message]}


NEW_ACTION_DUE_DATE = "Due date of new action {number}"
ACTION_DUE_BEFORE_AGREED = (
    "The action \u201c{action}\u201d is due by {due_on:%-d %B %Y}, before the {occasion} on {agreed_on:%-d %B %Y}"
    " when it was agreed: give a due date on or after that day"
)


def an_action_falls_due_no_more_than_two_years_ahead(
    *, due_on: date, today: date, label: str = PLANNED_DATE_LABELS["due_on"]
) -> list[str]:
    """An action agreed at a visit or an MSP meeting, or changed since, is due no more than two years
    from today, as a school's action plan's actions are (docs/adr/0065): a date further off is a
    mistyped year, shown to governors and in the case file, and never overdue. The limit is
    planned_no_more_than_two_years_ahead's; `label` names the action ("Due date of new action 2")."""
    return planned_no_more_than_two_years_ahead(day=due_on, today=today, field="due_on", label=label).get("due_on", [])


def an_action_falls_due_on_or_after_the_day_it_was_agreed(
    *, description: str, due_on: date, agreed_on: date, occasion: str
) -> list[str]:
    """An action agreed at a visit or a meeting is not due before the day it was agreed."""
    if due_on >= agreed_on:
        return []
    action = description.strip()[:80]
    return [ACTION_DUE_BEFORE_AGREED.format(action=action, due_on=due_on, occasion=occasion, agreed_on=agreed_on)]


def future_visit_cannot_be_completed(*, visit_date: date, today: date) -> dict[str, list[str]]:
    """A visit is recorded as done only once it has happened: a visit dated after today cannot be
    marked completed (issue 4, "a visit date in the future cannot be marked completed")."""
    return {"visit_date": [VISIT_IN_FUTURE]} if visit_date > today else {}


def cancelled_visit_needs_reason(*, reason: str) -> dict[str, list[str]]:
    """A cancelled visit says why, so that a missed entitlement can be explained."""
    return {} if reason.strip() else {"reason": [CANCEL_REASON_REQUIRED]}


def msp_summary_shared_with_governing_body(*, is_held: bool, summary: str, published_at) -> dict[str, list[str]]:
    """ "The MSP is a confidential meeting, but the summary key points should be shared with the
    whole governing body after each meeting."

    Only the summary key points of a meeting that has been held can be published, once."""
    if published_at is not None:
        return {NON_FIELD_ERRORS: [ALREADY_PUBLISHED.format(when=timezone.localtime(published_at))]}
    if not is_held:
        return {NON_FIELD_ERRORS: [NOT_PUBLISHABLE_UNTIL_HELD]}
    if not summary.strip():
        return {"summary_key_points": [SUMMARY_REQUIRED]}
    return {}


def msp_group_includes_the_headteacher_a_governor_and_the_link_sia(
    *, headteacher: str, governor_name: str, link_adviser
) -> dict[str, list[str]]:
    """ "The MSP group will include the Headteacher and Chair or Vice Chair of Governors and the link
    SIA." """
    errors = {}
    if not headteacher.strip():
        errors["headteacher"] = [MSP_HEADTEACHER_REQUIRED]
    if not governor_name.strip():
        errors["governor_name"] = [MSP_GOVERNOR_REQUIRED]
    if link_adviser is None:
        errors["link_adviser"] = [MSP_LINK_ADVISER_REQUIRED]
    return errors


# ---- a visit's record and its note ------------------------------------------------------------

SHARE_DATE_BEFORE_VISIT = "The note cannot have been shared before the visit took place"
SHARE_DATE_IN_FUTURE = "The date the note was shared cannot be in the future"
SHARED_WITH_REQUIRED = "Enter who the note of visit was shared with"


def a_recorded_visits_date_follows_the_rules(
    *, visit_date: date, dated: date, completed: bool, today: date
) -> dict[str, list[str]]:
    """A visit's record: a completed visit (or one being marked so) is not dated in the future
    (future_visit_cannot_be_completed), and a date changed from `dated` is no more than two years
    ahead (planned_no_more_than_two_years_ahead). The first only, when both apply: a date within
    two years would still be refused."""
    if completed and (errors := future_visit_cannot_be_completed(visit_date=visit_date, today=today)):
        return errors
    if visit_date != dated:
        return planned_no_more_than_two_years_ahead(day=visit_date, today=today, field="visit_date")
    return {}


def a_shared_note_says_when_and_with_whom(
    *, shared_on: date | None, shared_with: str, visit_date: date, today: date
) -> dict[str, list[str]]:
    """The note of a visit is shared with the school on a day from the visit to today, with people
    the record names. `shared_on` None: a date the form refused (it has its own message)."""
    errors = {}
    if shared_on is not None and shared_on < visit_date:
        errors["shared_on"] = [SHARE_DATE_BEFORE_VISIT]
    elif shared_on is not None and shared_on > today:
        errors["shared_on"] = [SHARE_DATE_IN_FUTURE]
    if not shared_with.strip():
        errors["shared_with"] = [SHARED_WITH_REQUIRED]
    return errors


# ---- an MSP meeting's record ------------------------------------------------------------------

MSP_MEETING_IN_FUTURE = "A meeting dated in the future cannot be recorded as held. Plan it instead."
MSP_MEETING_BEFORE_SET_UP = "The date of the meeting cannot be before the group was set up, on {set_up_on:%-d %B %Y}"
MSP_REFOCUS_DETAILS_REQUIRED = "Say how the support is refocused"


def a_held_meeting_took_place_while_its_group_ran(
    *, held_on: date, set_up_on: date, today: date
) -> dict[str, list[str]]:
    """A meeting recorded as held has happened (a meeting still to come is planned instead), and
    not before its group was set up."""
    if held_on > today:
        return {"held_on": [MSP_MEETING_IN_FUTURE]}
    if held_on < set_up_on:
        return {"held_on": [MSP_MEETING_BEFORE_SET_UP.format(set_up_on=set_up_on)]}
    return {}


def refocused_support_says_how(*, support_refocused: bool | None, refocus_details: str) -> dict[str, list[str]]:
    """ "Is the support refocused?" Yes: the record says how."""
    if support_refocused and not refocus_details.strip():
        return {"refocus_details": [MSP_REFOCUS_DETAILS_REQUIRED]}
    return {}
