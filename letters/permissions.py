"""Who may do what with letters, declared once (django-rules).

LA staff (advisers and officers) read every letter; an adviser drafts for their link schools, an
officer for any school, and only an officer approves, returns and issues. Governors and the
headteacher read the issued letters of their own school (the letters are addressed to the
headteacher and the chair of governors), never a letter to an academy's trust (addressed to its
chair or chief executive); admins edit the templates but never read letters (case material)."""

import rules

from accounts.permissions import (
    is_admin,
    is_adviser,
    is_governor,
    is_headteacher,
    is_headteacher_of_school,
    is_la_staff,
    is_officer,
)
from schools.permissions import is_governor_of_school

from .models import LetterStatus


@rules.predicate
def is_link_adviser_of_school(user, school) -> bool:
    return school is not None and school.link_adviser_id == user.pk


@rules.predicate
def is_link_adviser_of_letter_school(user, letter) -> bool:
    return letter is not None and letter.school.link_adviser_id == user.pk


@rules.predicate
def is_drafter(user, letter) -> bool:
    return letter is not None and letter.drafted_by_id == user.pk


@rules.predicate
def letter_is_issued(user, letter) -> bool:
    return letter is not None and letter.status == LetterStatus.ISSUED


@rules.predicate
def is_governor_of_letter_school(user, letter) -> bool:
    return letter is not None and is_governor_of_school(user, letter.school)


@rules.predicate
def is_headteacher_of_letter_school(user, letter) -> bool:
    return letter is not None and is_headteacher_of_school(user, letter.school)


@rules.predicate
def is_letter_to_a_trust(user, letter) -> bool:
    return letter is not None and letter.letter_type.is_trust_letter


rules.add_perm("letters.view_register", is_la_staff)
rules.add_perm(
    "letters.view_letter",
    is_la_staff
    | (
        ((is_governor & is_governor_of_letter_school) | (is_headteacher & is_headteacher_of_letter_school))
        & letter_is_issued
        & ~is_letter_to_a_trust
    ),
)
rules.add_perm("letters.draft_letter", is_officer | (is_adviser & is_link_adviser_of_school))
rules.add_perm("letters.edit_letter", is_officer | (is_adviser & (is_link_adviser_of_letter_school | is_drafter)))
rules.add_perm("letters.approve_letter", is_officer)
rules.add_perm("letters.issue_letter", is_officer)
rules.add_perm("letters.record_response", is_officer | (is_adviser & is_link_adviser_of_letter_school))
rules.add_perm("letters.record_compliance", is_officer)
rules.add_perm("letters.manage_templates", is_officer | is_admin)
# Whether a second officer must approve a type's letters is a control over case decisions, not
# reference data: officers only (an admin, who reads no case material, cannot switch it off).
rules.add_perm("letters.set_letter_type_approval", is_officer)
rules.add_perm("letters.view_suggestions", is_la_staff)
rules.add_perm("letters.decide_suggestion", is_officer | (is_adviser & is_link_adviser_of_school))
# The school's action plan in answer to a letter of concern (docs/adr/0033): every LA adviser and
# officer reads the plans; the link adviser or an officer records the LA's view; a headteacher sends
# their own school's (the object check is the headteacher's own plans, letters.action_plans).
rules.add_perm("letters.view_action_plans", is_la_staff)
rules.add_perm("letters.review_action_plan", is_officer | (is_adviser & is_link_adviser_of_letter_school))
rules.add_perm("letters.send_action_plan", is_headteacher)
