"""What visits adds to shared pages: sections of the school page (one for LA staff, one for the
school's governors) and panels of the adviser's and the officer's home page. Each runs a bounded
number of queries and returns None for users it is not for."""

from datetime import timedelta

from django.db.models import Case, Count, Value, When
from django.utils import timezone

from accounts.permissions import is_adviser, is_headteacher, is_headteacher_of_school, is_la_staff, is_officer
from core import home
from core.sections import Section
from schools import school_page
from schools.permissions import is_governor_of_school
from schools.selectors import link_school_ids

from . import selectors
from .compliance import compliance_rows, has_entitlement, year_calendar
from .models import overdue_actions_q
from .stored_compliance import (
    MSP_OVERDUE,
    SOMETHING_DUE,
    URGENT,
    msp_groups_to_set_up,
    rows_for,
    stored_compliance,
    summarise_stored,
)


def _today():
    return timezone.localdate()


# ---- school page --------------------------------------------------------------------------------


def school_section(request, school):
    """Visits, entitlement, actions, MSP group and enhanced offer: LA staff only."""
    user = request.user
    if not is_la_staff(user):
        return None
    today = _today()
    rows = compliance_rows(today=today, schools=[school]) if has_entitlement(school) else []
    actions = selectors.open_actions(school_ids=[school.pk]).order_by("due_on", "id")
    return {
        "school": school,
        "row": rows[0] if rows else None,
        "visits": selectors.school_visits(school=school, limit=8),
        "open_actions": list(actions[:10]),
        "open_action_count": actions.count(),
        "msp_group": rows[0].msp_group if rows else None,
        "can_plan": user.has_perm("visits.plan_visit", school),
        "can_manage_offer": user.has_perm("visits.manage_enhanced_offer"),
        "can_set_up_msp": user.has_perm("visits.set_up_msp_group") and school.is_maintained,
        "today": today,
    }


def governor_section(request, school):
    """Published MSP summary key points and the open actions the school owns: the school's own
    governors and headteachers only (never minutes, notes of visits or drafts)."""
    user = request.user
    if is_la_staff(user) or not (is_governor_of_school(user, school) or is_headteacher_of_school(user, school)):
        return None
    return {
        "school": school,
        "summaries": selectors.published_summaries(school=school),
        "actions": selectors.governor_school_actions(school=school),
        "today": _today(),
    }


def headteacher_notes_section(request, school):
    """The notes of visit shared with the school in the service: its headteacher only (ADR 0023)."""
    user = request.user
    if not is_headteacher_of_school(user, school):
        return None
    shared = selectors.notes_shared_with(user=user).filter(school=school)
    visits = list(shared.prefetch_related("acknowledgements")[:20])
    for visit in visits:
        visit.latest_request = max(visit.acknowledgements.all(), key=lambda a: (a.requested_at, a.pk))
    return {"visits": visits}


# ---- home panels ------------------------------------------------------------------------------


def adviser_upcoming(request, user):
    if not is_adviser(user):
        return None
    today = _today()
    visits, meetings = selectors.calendar_entries(user=user, starts_on=today, ends_on=today + timedelta(weeks=4))
    from .calendar_feed import by_day

    return {"days": by_day(visits, meetings), "today": today}


DUE_PANEL_LIMIT = 10
# What is overdue comes first in the adviser's due panel: a visit or MSP meeting past its period,
# or a high-support school still without an MSP group.
URGENT_FIRST = Case(When(URGENT, then=Value(0)), default=Value(1))


def adviser_due(request, user):
    """The adviser's link schools with something still to do this term, from the stored status: the
    DUE_PANEL_LIMIT most urgent (what is overdue first, then by name) with their full rows, and how
    many there are. The compliance page lists them all (an England-scale caseload is about a hundred
    schools, a third of them due in a term's last weeks: each full row is computed and drawn)."""
    if not is_adviser(user):
        return None
    today = _today()
    stored = stored_compliance(today=today).filter(school__link_adviser=user)
    counts = stored.order_by().aggregate(schools=Count("pk"), due=Count("pk", filter=SOMETHING_DUE))
    first = stored.filter(SOMETHING_DUE).order_by(URGENT_FIRST, "school__name", "school_id")[:DUE_PANEL_LIMIT]
    return {"rows": rows_for(first, today=today), "due_count": counts["due"], "school_count": counts["schools"]}


def adviser_overdue_actions(request, user):
    if not is_adviser(user):
        return None
    today = _today()
    school_ids = link_school_ids(user)
    return {"actions": selectors.overdue_actions(school_ids=school_ids, today=today, limit=8), "today": today}


def headteacher_awaiting(request, user):
    """A headteacher's notes of visit awaiting their acknowledgement (docs/adr/0023)."""
    if not is_headteacher(user):
        return None
    visits = list(selectors.notes_shared_with(user=user).filter(acknowledgements__status="awaiting"))
    return {"visits": visits}


def headteacher_to_prepare(request, user):
    """A headteacher's planned visits whose pre-visit section is not sent yet (docs/adr/0028)."""
    if not is_headteacher(user):
        return None
    from . import pre_visit

    planned = pre_visit.visits_to_prepare(user=user).exclude(pre_visit__status="submitted")
    return {"visits": pre_visit.with_due_dates(planned[:10])}


def msp_meetings_attended(request, user):
    """The MSP meetings a school member (headteacher, chair or vice-chair) attended: shown only to
    those who attended one (docs/adr/0031). One query, joining only the school it names (PostgreSQL
    planned the page's joins in 11 ms at England scale)."""
    from .msp_members import meetings_attended_by

    meetings = list(meetings_attended_by(user).select_related(None).select_related("group__school")[:5])
    return {"meetings": meetings} if meetings else None


def adviser_awaiting_acknowledgement(request, user):
    """The adviser's notes of visit the school has not acknowledged yet."""
    if not is_adviser(user):
        return None
    requests = list(selectors.acknowledgements_awaiting(adviser=user)[:10])
    return {"requests": requests} if requests else None


HOME_LIST_LENGTH = 10


def officer_compliance(request, user):
    if not is_officer(user):
        return None
    today = _today()
    stored = stored_compliance(today=today)
    calendar = year_calendar(today)
    # The first few of each list, by name, with how many there are (England has over a hundred
    # high-support schools without a group: the MSP groups page links to them all).
    to_set_up, to_set_up_total = msp_groups_to_set_up(stored, today=today, limit=HOME_LIST_LENGTH)
    overdue = stored.filter(MSP_OVERDUE)
    msp_overdue = rows_for(overdue[:HOME_LIST_LENGTH], today=today)
    return {
        "summary": summarise_stored(stored),
        "term": calendar.current_term,
        "to_set_up": to_set_up,
        "to_set_up_total": to_set_up_total,
        "msp_overdue": msp_overdue,
        "msp_overdue_total": overdue.count(),
        "overdue_actions": selectors.actions_visible_to(user).filter(overdue_actions_q(today)).count(),
    }


def register() -> None:
    school_page.register(
        Section(key="visits", title="Visits and support", order=50, template="visits/sections/school.html",
                context=school_section)
    )  # fmt: skip
    school_page.register(
        Section(key="msp-summaries", title="Monitoring Support Partnership and school actions", order=51,
                template="visits/sections/governor.html", context=governor_section)
    )  # fmt: skip
    school_page.register(
        Section(key="shared-notes", title="Notes of visit shared with the school", order=52,
                template="visits/sections/shared_notes.html", context=headteacher_notes_section)
    )  # fmt: skip
    home.register(
        Section(key="visits-notes-to-acknowledge", title="Notes of visit awaiting your acknowledgement", order=10,
                template="visits/panels/notes_to_acknowledge.html", context=headteacher_awaiting)
    )  # fmt: skip
    home.register(
        Section(key="visits-to-prepare", title="Visits to prepare for", order=9,
                template="visits/panels/to_prepare.html", context=headteacher_to_prepare)
    )  # fmt: skip
    home.register(
        Section(key="visits-msp-attended", title="MSP meetings you attended", order=11,
                template="visits/panels/msp_attended.html", context=msp_meetings_attended)
    )  # fmt: skip
    home.register(
        Section(key="visits-notes-awaiting", title="Your notes of visit awaiting the school's acknowledgement",
                order=43, template="visits/panels/notes_awaiting.html", context=adviser_awaiting_acknowledgement)
    )  # fmt: skip
    home.register(
        Section(key="visits-upcoming", title="Your upcoming visits and MSP meetings", order=40,
                template="visits/panels/upcoming.html", context=adviser_upcoming)
    )  # fmt: skip
    home.register(
        Section(key="visits-due", title="Your link schools due a visit or MSP meeting", order=41,
                template="visits/panels/due.html", context=adviser_due)
    )  # fmt: skip
    home.register(
        Section(key="visits-overdue-actions", title="Overdue actions at your link schools", order=42,
                template="visits/panels/overdue_actions.html", context=adviser_overdue_actions)
    )  # fmt: skip
    home.register(
        Section(key="visits-compliance", title="Visits and MSP this term", order=40,
                template="visits/panels/officer.html", context=officer_compliance)
    )  # fmt: skip
