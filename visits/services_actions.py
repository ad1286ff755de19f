"""Writes to the actions agreed at a visit or an MSP meeting, or taken from a school's accepted
action plan: adding them (once, however often the same form is sent), changing, closing and
reopening them with a dated note. Also today's date as the visits' writes see it, shared by
visits.services and the MSP modules. As in visits.services (re-exported there): atomic,
keyword-only, the acting user recorded in the audit history."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import save_as
from core.versions import refuse_if_changed_since
from schools.models import School

if TYPE_CHECKING:
    from letters.models import ActionPlan

from .models import Action, ActionOwner, ActionStatus, ActionUpdate, ActionUpdateKind, MspMeeting, Visit
from .rules import ACTION_DUE_BEFORE_AGREED as ACTION_DUE_BEFORE_AGREED  # re-exported, with the rule's other words
from .rules import (
    NEW_ACTION_DUE_DATE,
    an_action_falls_due_no_more_than_two_years_ahead,
    an_action_falls_due_on_or_after_the_day_it_was_agreed,
)

ACTION_DESCRIPTION_REQUIRED = "Enter the action"
ACTION_NOTE_REQUIRED = "Enter a note saying what changed"
ACTION_CLOSE_NOTE_REQUIRED = "Enter a note saying why the action is closed"
ACTION_ALREADY_CLOSED = "This action is already closed."
ACTION_NOT_CLOSED = "This action is open."
ACTION_UPDATE_DUE_BEFORE_AGREED = "The due date cannot be before {agreed_on:%-d %B %Y}, when the action was agreed"


class NewActionRefused(ValidationError):
    """A new action refused, with its place among the new actions given (from 0) and the field at
    fault, so the form can show the message on that action's row as well as in its summary."""

    def __init__(self, message: str, *, index: int, field: str):
        super().__init__(message)
        self.index, self.field = index, field


def _today() -> date:
    return timezone.localdate()


# ---- actions ----------------------------------------------------------------------------------


def _agreed_on(*, visit: Visit | None, msp_meeting: MspMeeting | None) -> tuple[date, str] | None:
    """The day actions were agreed at this visit or meeting, and what to call it."""
    if visit is not None:
        return visit.visit_date, "visit"
    if msp_meeting is not None:
        return msp_meeting.held_on, "meeting"
    return None


@dataclass(frozen=True)
class NewAction:
    """An action entered with a visit or a meeting. `number`: its row's number on the page, by which
    messages name it ("Due date of new action 2"); 0 when it came through no page (its place from 1)."""

    description: str
    owner: str
    due_on: date
    number: int = 0


def new_actions_problems(
    *, new_actions: Sequence[NewAction], agreed: tuple[date, str] | None, today: date
) -> dict[int, list[str]]:
    """What is wrong with each new action's due date, by its place among `new_actions`: before the
    day the visit or meeting (`agreed`: its date and what to call it) agreed it, or more than two
    years from today. The rows' formset asks it of the rows whose own checks passed, so one round
    names every problem (docs/adr/0070); the service asks it again before writing."""
    problems = {}
    for index, new in enumerate(new_actions):
        label = NEW_ACTION_DUE_DATE.format(number=new.number or index + 1)
        found = (
            an_action_falls_due_on_or_after_the_day_it_was_agreed(
                description=new.description, due_on=new.due_on, agreed_on=agreed[0], occasion=agreed[1]
            )
            if agreed is not None
            else []
        ) or an_action_falls_due_no_more_than_two_years_ahead(due_on=new.due_on, today=today, label=label)
        if found:
            problems[index] = found
    return problems


def _create_actions(
    *,
    school: School,
    new_actions: Iterable[NewAction] | None,
    actor: User,
    visit: Visit | None = None,
    msp_meeting: MspMeeting | None = None,
    action_plan: "ActionPlan | None" = None,
    today: date | None = None,
) -> list[Action]:
    """Add the actions agreed at a visit or meeting, each due from that day to two years from today
    (new_actions_problems; a plan's actions were held to its own rules). One identical to an action already agreed there
    (same wording, owner and date) is not added again: the same form sent twice (a double click, or
    going back and sending it again) agrees each action once. The caller holds a lock on the visit
    or meeting, so two such requests run one after the other."""
    source = next((s for s in (visit, msp_meeting, action_plan) if s is not None), None)
    agreed = set(source.actions.values_list("description", "owner", "due_on")) if source is not None else set()
    occasion = _agreed_on(visit=visit, msp_meeting=msp_meeting)
    new_actions = list(new_actions or [])
    problems = (
        new_actions_problems(new_actions=new_actions, agreed=occasion, today=today or _today())
        if occasion is not None
        else {}
    )
    created = []
    for index, new in enumerate(new_actions):
        description = new.description.strip()
        if not description:
            raise NewActionRefused(ACTION_DESCRIPTION_REQUIRED, index=index, field="description")
        if index in problems:
            raise NewActionRefused(problems[index][0], index=index, field="due_on")
        key = (description, ActionOwner(new.owner).value, new.due_on)
        if key in agreed:
            continue
        agreed.add(key)
        action = Action(
            school=school,
            visit=visit,
            msp_meeting=msp_meeting,
            action_plan=action_plan,
            description=description,
            owner=ActionOwner(new.owner),
            due_on=new.due_on,
            created_by=actor,
        )
        save_as(action, actor=actor)
        created.append(action)
    return created


def action_plan_actions_create(
    *, plan: "ActionPlan", school: School, new_actions: list[NewAction], actor: "User"
) -> list[Action]:
    """The actions of a school's action plan the LA accepted (letters.action_plans, docs/adr/0033)
    join the school's action list, linked back to the plan. The caller holds a lock on the plan."""
    return _create_actions(school=school, new_actions=new_actions, actor=actor, action_plan=plan)


@transaction.atomic
def action_update(
    *,
    action: Action,
    description: str,
    owner: str,
    due_on: date,
    note: str,
    actor: User,
    version: str | None = None,
    today: date | None = None,
) -> Action:
    """Change an open action's wording, owner or due date (not to before the day it was agreed, nor
    to more than two years from today: rules.an_action_falls_due_no_more_than_two_years_ahead; a
    date already stored is left as it is), with a note saying what changed. `version`: the
    action's version the page was opened at (a save made since refuses this one: core.versions)."""
    action = Action.objects.select_for_update(of=("self",)).select_related("visit", "msp_meeting").get(pk=action.pk)
    if not action.is_open:
        raise ValidationError(ACTION_ALREADY_CLOSED)
    refuse_if_changed_since(action, version, noun="action", actor=actor)
    errors = {}
    if not description.strip():
        errors["description"] = ACTION_DESCRIPTION_REQUIRED
    occasion = _agreed_on(visit=action.visit, msp_meeting=action.msp_meeting)
    if occasion is not None and due_on < occasion[0] and due_on != action.due_on:
        errors["due_on"] = ACTION_UPDATE_DUE_BEFORE_AGREED.format(agreed_on=occasion[0])
    elif due_on != action.due_on and (
        too_far := an_action_falls_due_no_more_than_two_years_ahead(due_on=due_on, today=today or _today())
    ):
        errors["due_on"] = too_far[0]
    if not note.strip():
        errors["note"] = ACTION_NOTE_REQUIRED
    if errors:
        raise ValidationError(errors)
    action.description, action.owner, action.due_on = description.strip(), ActionOwner(owner), due_on
    action.progress = note.strip()
    save_as(action, actor=actor)
    ActionUpdate.objects.create(action=action, kind=ActionUpdateKind.UPDATED, note=note.strip(), created_by=actor)
    return action


@transaction.atomic
def action_close(*, action: Action, note: str, actor: User) -> Action:
    """Close an open action with a note (what was done, or why it no longer applies)."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        raise ValidationError(ACTION_ALREADY_CLOSED)
    if not note.strip():
        raise ValidationError({"note": ACTION_CLOSE_NOTE_REQUIRED})
    action.status = ActionStatus.CLOSED
    action.progress = note.strip()
    action.closed_at, action.closed_by = timezone.now(), actor
    save_as(action, actor=actor)
    ActionUpdate.objects.create(action=action, kind=ActionUpdateKind.CLOSED, note=note.strip(), created_by=actor)
    return action


@transaction.atomic
def action_reopen(*, action: Action, note: str, actor: User) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.is_open:
        raise ValidationError(ACTION_NOT_CLOSED)
    if not note.strip():
        raise ValidationError({"note": ACTION_NOTE_REQUIRED})
    action.status = ActionStatus.OPEN
    action.progress = note.strip()
    action.closed_at, action.closed_by = None, None
    save_as(action, actor=actor)
    ActionUpdate.objects.create(action=action, kind=ActionUpdateKind.REOPENED, note=note.strip(), created_by=actor)
    return action
