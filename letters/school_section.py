"""The "Letters" section of the school page (schools.school_page): LA staff see every letter of
the school in order with the warning-notice deadlines and any suggestions; the school's governors
see its issued letters only; admins see nothing (case material)."""

from django.utils import timezone

from accounts.permissions import is_governor, is_la_staff
from core.sections import Section
from schools import school_page

from . import rules, selectors, stored_suggestions


def _context(request, school):
    user = request.user
    if is_la_staff(user):
        today = timezone.localdate()
        rows = [
            (letter, selectors.notice_stage(letter, today))
            for letter in selectors.school_letters(user=user, school=school)
        ]
        may_decide = user.has_perm("letters.decide_suggestion", school)
        return {
            "la_view": True,
            "rows": rows,
            "deadlines": [(letter, stage) for letter, stage in rows if stage and stage.open and stage.deadline],
            "eligible": [(letter, stage) for letter, stage in rows if stage and stage.eligible],
            "suggestions": stored_suggestions.suggestions_for(school_ids=[school.pk], today=today)
            if may_decide
            else [],
            "can_draft": user.has_perm("letters.draft_letter", school)
            and not rules.letters_only_to_open_schools(school=school),
            "school": school,
        }
    if is_governor(user):
        return {
            "la_view": False,
            "rows": [(letter, None) for letter in selectors.school_letters(user=user, school=school)],
        }
    return None


def register_section() -> None:
    school_page.register(
        Section(key="letters", title="Letters", order=70, template="letters/sections/school.html", context=_context)
    )
