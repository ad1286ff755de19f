"""The rules of a school's action plan (letters.action_plans, re-exported there; docs/adr/0033).
Each is named after the clause it implements and returns the problems it finds (docs/adr/0042):
the service raises them, and the headteacher's page asks the same functions so that one round
names every problem (docs/adr/0072)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from core.dates import add_months
from core.text import normalise_text
from schools.terms import working_day_on_or_before

from .models_action_plans import PlanView
from .placeholders import PLAN_KINDS  # the letters that ask for a plan

PLAN_EMPTY = "Upload the plan as a file or write it out below"
NO_ACTIONS = "Add at least one action: what, who owns it, and by when"
VIEW_REQUIRED = "Choose the local authority's view of the plan"
COMMENTS_REQUIRED = "Say what more the school needs to do: this is sent to the school"
# How a message names an action's due date: by its number on the page, as its row's legend does
# ("Action 3"); the form's date boxes use it too ("Due date of action 3 must be a real date").
PLAN_ACTION_DUE_DATE = "Due date of action {number}"
PLAN_ACTION_DUE_BEFORE_LETTER = (
    "{label} must be the same as or after {issued_on:%-d %B %Y}, the day the letter the plan answers was issued"
)


@dataclass(frozen=True)
class PlanItem:
    description: str
    owner: str
    due_on: date


def a_letter_of_concern_asks_for_a_plan(*, code: str) -> bool:
    """Strategy "Letters to schools": the Local Authority "will seek reassurance from the governing
    body that the right steps are being taken": a significant concerns letter (either tier) and a
    warning notice ask the school for its action plan; a congratulations letter and a letter to an
    academy's trust do not."""
    return code in PLAN_KINDS


def the_plan_is_due_by_the_date_the_letter_sets(
    *, issued_on: date, compliance_end_date: date | None = None, days: int | None = None
) -> date:
    """Issue 14: the school sends its plan "by the date the letter sets": ACTION_PLAN_DAYS calendar
    days (28 by default) after the letter's date of issue; for a warning notice no later than the
    end of its compliance period (the plan is how the governing body shows it is complying). A date
    on a Saturday, a Sunday or a bank holiday moves back to the working day before (never before
    the day of issue): New Year's Day 2027 gives Thursday 31 December."""
    due = issued_on + timedelta(days=settings.ACTION_PLAN_DAYS if days is None else days)
    if compliance_end_date is not None and compliance_end_date >= issued_on:
        due = min(due, compliance_end_date)
    return max(working_day_on_or_before(due), issued_on)


def a_late_plan_is_taken_and_marked_late(*, first_sent_on: date, due_on: date) -> bool:
    """Issue 14 (brief): late submissions are allowed but marked late: a plan first sent after the
    day it was due (a revision sent later does not make an on-time plan late)."""
    return first_sent_on > due_on


def a_plan_has_its_content_and_actions(*, text: str, has_file: bool, items: list[PlanItem]) -> dict[str, list[str]]:
    """Issue 14: the school "uploads its action plan (or writes it)" and "the plan's actions join the
    school's action list with owners and dates": a file or the written plan, and at least one action."""
    errors = a_plan_has_its_content(text=text, has_file=has_file)
    if problems := a_plan_has_actions(items=items):
        errors["__all__"] = problems
    return errors


def a_plan_has_its_content(*, text: str, has_file: bool) -> dict[str, list[str]]:
    """The rule's content part: a file (uploaded now or already sent) or the plan written out. The
    plan form asks it in its clean, with the action rows' errors."""
    return {} if has_file or normalise_text(text).strip() else {"text": [PLAN_EMPTY]}


def a_plan_has_actions(*, items: list[PlanItem]) -> list[str]:
    """The rule's actions part, asked by the action rows' formset too."""
    return [] if items else [NO_ACTIONS]


def a_plans_actions_fall_due_after_its_letter(
    *, items: list[PlanItem], issued_on: date, today: date, numbers: Sequence[int] = ()
) -> dict[int, str]:
    """Issue 14: "the plan's actions join the school's action list with owners and dates": each is
    due on or after the day the letter it answers was issued, and no more than two years from
    today (visits.rules.planned_no_more_than_two_years_ahead: a date further off is a mistyped
    year). By the action's place among the items; each message names the action by its number
    on the page (`numbers`, by default its place from 1), as the row's own errors do."""
    from visits.rules import PLAN_AHEAD_MONTHS, PLANNED_TOO_FAR_AHEAD, planned_no_more_than_two_years_ahead

    problems = {}
    for index, item in enumerate(items):
        label = PLAN_ACTION_DUE_DATE.format(number=numbers[index] if numbers else index + 1)
        if item.due_on < issued_on:
            problems[index] = PLAN_ACTION_DUE_BEFORE_LETTER.format(label=label, issued_on=issued_on)
        elif planned_no_more_than_two_years_ahead(day=item.due_on, today=today, field="due_on"):
            limit = add_months(today, PLAN_AHEAD_MONTHS)  # the rule's own words, naming the action
            problems[index] = PLANNED_TOO_FAR_AHEAD.format(label=label, limit=limit)
    return problems


def more_needed_says_what(*, view: str, comments: str) -> dict[str, list[str]]:
    """Issue 14: the LA "records its view": accepted, or more needed with comments the school
    revises its plan by."""
    if view not in PlanView.values:
        return {"view": [VIEW_REQUIRED]}
    if view == PlanView.MORE_NEEDED and not normalise_text(comments).strip():
        return {"view_comments": [COMMENTS_REQUIRED]}
    return {}
