"""Who may do what with visits, actions and MSP groups (django-rules), declared once.

Advisers read every school's visits, actions and MSP material and write for their link schools;
officers write for every school; governors read only their own school's published MSP summaries
and the open actions it owns (headteachers too, and the notes of visit shared with their school,
docs/adr/0023); admins read no case material (403)."""

import rules

from accounts.permissions import (
    is_adviser,
    is_governor,
    is_headteacher,
    is_headteacher_of_school,
    is_la_staff,
    is_officer,
)
from schools.permissions import is_governor_of_school


def _school_of(obj):
    """The school a visit, action, MSP group or meeting (or a school itself) belongs to."""
    if obj is None:
        return None
    for path in ("group.school", "school"):
        target = obj
        try:
            for attribute in path.split("."):
                target = getattr(target, attribute)
        except AttributeError:
            continue
        return target
    return obj


@rules.predicate
def is_link_adviser_of(user, obj) -> bool:
    school = _school_of(obj)
    return school is not None and school.link_adviser_id == user.pk


@rules.predicate
def leads_visit(user, visit) -> bool:
    return visit is not None and getattr(visit, "adviser_id", None) == user.pk


@rules.predicate
def chairs_msp_group(user, obj) -> bool:
    if obj is None:
        return False
    group = getattr(obj, "group", obj)
    return getattr(group, "chair_id", None) == user.pk


@rules.predicate
def is_msp_member(user, obj) -> bool:
    if obj is None:
        return False
    group = getattr(obj, "group", obj)
    return any(member.user_id == user.pk for member in group.members.all())


@rules.predicate
def is_governor_of_objects_school(user, obj) -> bool:
    return is_governor_of_school(user, _school_of(obj))


# Reading case material: LA staff only.
rules.add_perm("visits.view_visits", is_la_staff)
rules.add_perm("visits.view_actions", is_la_staff)
rules.add_perm("visits.view_compliance", is_la_staff)
rules.add_perm("visits.view_msp", is_la_staff)  # groups, meetings and their confidential minutes
rules.add_perm("visits.use_calendar", is_la_staff)

# Writing: officers for any school; advisers for their link schools (and visits they lead).
can_write_for_school = is_officer | (is_adviser & is_link_adviser_of)
rules.add_perm("visits.plan_visit", can_write_for_school)  # object: the school
rules.add_perm("visits.change_visit", is_officer | (is_adviser & (is_link_adviser_of | leads_visit)))
rules.add_perm("visits.change_action", can_write_for_school)  # object: the action
rules.add_perm("visits.manage_enhanced_offer", is_officer)
rules.add_perm("visits.set_up_msp_group", is_officer)
rules.add_perm("visits.change_msp_group", is_officer | (is_la_staff & chairs_msp_group))
rules.add_perm(
    "visits.record_msp_meeting",
    is_officer | (is_la_staff & (chairs_msp_group | is_msp_member | is_link_adviser_of)),
)  # object: the group or the meeting
rules.add_perm("visits.publish_msp_summary", is_officer | (is_la_staff & chairs_msp_group))  # object: the meeting


@rules.predicate
def is_headteacher_of_objects_school(user, obj) -> bool:
    return is_headteacher_of_school(user, _school_of(obj))


# Governors and headteachers: their own school's published summaries and school-owned open actions.
rules.add_perm(
    "visits.view_governor_material",
    is_la_staff | (is_governor & is_governor_of_objects_school) | (is_headteacher & is_headteacher_of_objects_school),
)

# Headteachers (docs/adr/0023): the notes of visit the LA shared with their school, which they
# acknowledge; the adviser who may change the visit shares it and replies.
rules.add_perm("visits.view_shared_notes", is_headteacher)
rules.add_perm("visits.acknowledge_note", is_headteacher & is_headteacher_of_objects_school)  # object: the visit
rules.add_perm("visits.view_acknowledgements", is_la_staff)

# Headteachers (docs/adr/0028): the pre-visit section of planned visits to their school (which
# visit, the selector decides: another school's is 404). LA staff read what was sent on the visit.
rules.add_perm("visits.prepare_visit", is_headteacher)


# MSP members from the school (docs/adr/0031): the minutes of the meetings they attended (which
# meetings, visits.msp_members decides: any other is 404) and the school's actions from them.
@rules.predicate
def is_school_user(user) -> bool:
    return is_headteacher(user) or is_governor(user)


rules.add_perm("visits.read_attended_minutes", is_school_user)
