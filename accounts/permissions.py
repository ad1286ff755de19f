"""Role predicates (django-rules) and the permissions built from them, declared once.

Object rules that need a school (a governor's own school) live in schools.permissions."""

import rules

from .roles import Role

is_adviser = rules.is_group_member(Role.ADVISER.value)
is_officer = rules.is_group_member(Role.OFFICER.value)
is_governor = rules.is_group_member(Role.GOVERNOR.value)
is_admin = rules.is_group_member(Role.ADMIN.value)
is_headteacher = rules.is_group_member(Role.HEADTEACHER.value)

# LA staff who work with schools' case material.
is_la_staff = is_adviser | is_officer


@rules.predicate
def is_school_reader(user) -> bool:
    """The school's own readers: what the LA shares with the school (its issued letters, its case
    file's shared entries, published MSP summaries) is read by its governors and its headteacher
    alike (docs/adr/0046)."""
    return is_governor(user) or is_headteacher(user)


rules.add_perm("accounts.manage_users", is_admin)


@rules.predicate
def may_end_a_headship(user) -> bool:
    """Ending a headship takes access away, so an officer may as well as an admin (someone left;
    GIAS names a new head): giving one is a role request (docs/adr/0061)."""
    return is_admin(user) or is_officer(user)


rules.add_perm("accounts.end_headship", may_end_a_headship)


@rules.predicate
def is_headteacher_of_school(user, school) -> bool:
    """The user holds the headteacher role and heads this school (accounts.models.Headship)."""
    if school is None or not user.is_authenticated or not is_headteacher(user):
        return False
    from .models import Headship

    return Headship.objects.filter(user=user, school=school).exists()
