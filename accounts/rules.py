"""Separation of duties (DESIGN.md section 2: the admin "does not read confidential case notes and
cannot grant access to them"; issue 9). Pure rules, each named after the clause it implements and
tested by a test of the same name (tests/accounts/test_separation_of_duties.py). docs/adr/0012."""

from .roles import Role

# How much case material a role opens: an officer every school's, an adviser every school's too
# (they read every school) but with less power, a headteacher their own schools' (the notes of
# visit shared with the school, its letters and case file: docs/adr/0046, 0061); a governor only
# their school's published material, and an admin none. But a governor sitting as chair or
# vice-chair opens their school's as a headteacher does: the category sent to the school with its
# reasons, and the confidential minutes of the MSP meetings they attended (docs/adr/0031, 0082).
CASE_ACCESS = {Role.HEADTEACHER: 1, Role.ADVISER: 2, Role.OFFICER: 3}
CHAIRS_CASE_ACCESS = CASE_ACCESS[Role.HEADTEACHER]
ROLES_NEEDING_AN_OFFICER = (Role.HEADTEACHER, Role.ADVISER, Role.OFFICER)


def case_access(role: Role | str | None, *, sits_for_a_school: bool = False) -> int:
    """`sits_for_a_school`: a governor holding a chair or vice-chair seat (accounts.own_passwords)."""
    if not role:
        return 0
    if Role(role) == Role.GOVERNOR and sits_for_a_school:
        return CHAIRS_CASE_ACCESS
    return CASE_ACCESS.get(Role(role), 0)


def granting_or_raising_the_adviser_or_officer_role_needs_an_officer(
    *, before: Role | str | None, after: Role | str | None
) -> bool:
    """Giving someone the adviser or officer role, or raising an adviser to officer, opens case
    material to them: it needs an officer (one who approves an admin's request, or who does it).
    Lowering (officer to adviser) or a role without case material (governor, admin) does not."""
    return case_access(after) > case_access(before)


def reactivating_an_adviser_or_officer_needs_an_officer(
    *, role: Role | str | None, was_active: bool, is_active: bool, sits_for_a_school: bool = False
) -> bool:
    """An inactive account reads nothing: making an adviser's or officer's account active again
    (or a headteacher's, or a chair's or vice-chair's of governors) opens case material to it as
    much as giving the role, so it needs an officer too. Deactivating never does."""
    return is_active and not was_active and case_access(role, sits_for_a_school=sits_for_a_school) > 0


def only_an_officer_or_the_system_grants_access_to_case_material(*, actor) -> bool:
    """Who may give access to case material: an active officer, or the system itself (actor None:
    a management command, the demo data, a role mapped from the council's identity provider when
    the council configures it). Never an admin, an adviser or a governor, for anyone, themselves
    included."""
    if actor is None:
        return True
    return bool(actor.is_active and actor.role == Role.OFFICER)


def a_case_readers_credentials_reset_by_an_admin_wait_for_an_officer(
    *, actor, user, asked_role=None, sits_for_a_school: bool = False
) -> bool:
    """Whoever sets someone's password, resets their second factor or gives them a new email
    address can sign in as them next. For an active headteacher, adviser or officer (or chair or
    vice-chair of governors: `sits_for_a_school`), or someone an
    officer is being asked to make one (`asked_role`, a waiting role request), that opens case
    material: unless an officer (or the system, or the person themselves) does it, the account
    waits for an officer, who is told what was reset (docs/adr/0061). Without this an admin could
    set an officer's password, reset their second factor, set up a new one and read every school's
    case material."""
    if actor is not None and actor.pk == user.pk:
        return False
    reads_now = user.is_active and case_access(user.role, sits_for_a_school=sits_for_a_school) > 0
    may_grant = only_an_officer_or_the_system_grants_access_to_case_material(actor=actor)
    return (reads_now or case_access(asked_role) > 0) and not may_grant


# Messages of the four-eyes rule, imported by the tests.
OWN_REQUEST = "You asked for this change: another officer must approve it."
OWN_ACCESS = "You cannot approve a change to your own access."
NOT_AN_OFFICER = "Only an officer can approve or decline a role request."


def four_eyes_no_one_approves_a_role_request_they_made_or_that_is_about_them(
    *, approver, requester_id: int | None, subject_id: int
) -> list[str]:
    """A role request is approved by an active officer who neither asked for it nor is the person
    it gives access to (`requester_id` None: the system asked). Returns the reasons this approver may
    not approve (empty when they may)."""
    if approver is None or not (approver.is_active and approver.role == Role.OFFICER):
        return [NOT_AN_OFFICER]
    if approver.pk == requester_id:
        return [OWN_REQUEST]
    if approver.pk == subject_id:
        return [OWN_ACCESS]
    return []


def a_credential_set_by_someone_else_is_told_to_its_owner(*, actor, user) -> bool:
    """A password or second factor set or reset by anyone but the user themselves (an admin, or a
    command) is emailed to the user: if they did not expect it, their account may be in someone
    else's hands. Whatever the role: an officer's matters most, but a governor's is theirs too."""
    return actor is None or actor.pk != user.pk


def a_case_reader_signs_in_with_a_password_only_they_know(*, before: int, after: int) -> bool:
    """Whoever chose a person's password can sign in as them, and nobody can tell afterwards who
    chose it: an admin creating the account or resetting it, or an admin who signed in to an account
    still waiting for its role and "changed their own" password (docs/adr/0061's residual risk, and
    the review of 0062). So whenever an account comes to open case material, or more of it
    (`before` and `after`: case_access of its role while active, 0 while inactive), its password
    stops working and the person chooses a new one through a link emailed to their own address,
    which the approving officer confirms (docs/adr/0062). True when that is so."""
    return after > before and after > 0
