"""What visits reminds people of (core.reminders): an adviser's link schools due or overdue a
visit or an MSP meeting, MSP groups to set up, overdue actions and the week's visits; an officer's
totals, and the held meetings of the groups they chair whose summary key points are not yet shared
with the governing body ("after each meeting", docs/adr/0060). The same rules as the home panels
(visits.panels) and the compliance page."""

from datetime import date, timedelta

from django.urls import reverse

from accounts.permissions import is_adviser, is_officer
from core.reminders import Reminder
from core.text import count_of
from schools.selectors import link_school_ids

from . import selectors
from .compliance import compliance_rows, compliance_schools
from .entitlement import ComplianceStatus
from .models import MspMeetingStatus, overdue_actions_q
from .stored_compliance import stored_compliance, summarise_stored

ACTIONS_LISTED = 20
UPCOMING_DAYS = 7


def reminders(*, user, today: date) -> list[Reminder]:
    found: list[Reminder] = []
    if is_adviser(user):
        found += _adviser(user, today)
    if is_officer(user):
        found += _officer(user, today)
    return found


def _adviser(user, today: date) -> list[Reminder]:
    found = []
    for row in compliance_rows(today=today, schools=compliance_schools().filter(link_adviser=user)):
        url = row.school.get_absolute_url()
        if row.visits.status in (ComplianceStatus.DUE, ComplianceStatus.OVERDUE):
            overdue = row.visits.status == ComplianceStatus.OVERDUE
            found.append(Reminder("Visits", f"{row.school.name}: visit {'overdue' if overdue else 'due'}", url,
                                  overdue=overdue))  # fmt: skip
        if row.msp_to_set_up:
            found.append(Reminder("MSP meetings", f"{row.school.name}: MSP group to set up", url, overdue=True))
        elif row.msp and row.msp.status == ComplianceStatus.OVERDUE:
            found.append(Reminder("MSP meetings", f"{row.school.name}: MSP meeting overdue", url, overdue=True))
    school_ids = link_school_ids(user)
    for action in selectors.overdue_actions(school_ids=school_ids, today=today, limit=ACTIONS_LISTED):
        found.append(
            Reminder("Actions", f"{action.school.name}: action due {action.due_on:%-d %B %Y}",
                     action.get_absolute_url(), due_on=action.due_on, overdue=True)
        )  # fmt: skip
    visits, meetings = selectors.calendar_entries(
        user=user, starts_on=today, ends_on=today + timedelta(days=UPCOMING_DAYS)
    )
    for visit in visits:
        found.append(Reminder("Visits", f"Visit to {visit.school.name} on {visit.visit_date:%A %-d %B}",
                              visit.get_absolute_url(), due_on=visit.visit_date))  # fmt: skip
    for meeting in meetings:
        if meeting.status != MspMeetingStatus.PLANNED:  # one held (recorded) today is no longer to come
            continue
        text = f"MSP meeting for {meeting.group.school.name} on {meeting.held_on:%A %-d %B}"
        found.append(Reminder("MSP meetings", text, meeting.get_absolute_url(), due_on=meeting.held_on))
    return found


def _officer(user, today: date) -> list[Reminder]:
    summary = summarise_stored(stored_compliance(today=today))
    found = []
    compliance = reverse("visits:compliance")
    if summary.overdue:
        found.append(
            Reminder(
                "Visits", f"{count_of(summary.overdue, 'school')} overdue a visit this term", compliance, overdue=True
            )
        )
    if summary.msp_to_set_up or summary.msp_overdue:
        text = (
            f"{count_of(summary.msp_to_set_up, 'MSP group')} to set up, "
            f"{count_of(summary.msp_overdue, 'MSP meeting')} overdue"
        )
        found.append(Reminder("MSP meetings", text, reverse("visits:msp_list"), overdue=True))
    overdue_actions = selectors.actions_visible_to(user).filter(overdue_actions_q(today)).count()
    if overdue_actions:
        found.append(
            Reminder(
                "Actions",
                f"{count_of(overdue_actions, 'action')} overdue across schools",
                f"{reverse('visits:actions')}?status=overdue",  # the actions, not the visits' compliance
                overdue=True,
            )
        )
    for meeting in selectors.summaries_to_share(chair=user)[:ACTIONS_LISTED]:
        text = f"{meeting.group.school.name}: the summary of the MSP meeting of {meeting.held_on:%-d %B} is not shared"
        found.append(Reminder("MSP meetings", text, meeting.get_absolute_url(), due_on=meeting.held_on, overdue=True))
    return found
