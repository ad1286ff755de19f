"""Reads of exchanged documents, scoped to the reader (docs/adr/0034)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.permissions import is_headteacher, is_headteacher_of_school
from schools.models import School

from .models import Direction, Document, DocumentKind
from .permissions import is_la_reader


def governors_see_the_schools_plans_and_what_the_la_shares_with_them() -> Q:
    """ADR 0034 (issue 14: "summary key points shared with the whole governing body"; the LA seeks
    "reassurance from the governing body"): a governor reads the school's own self-evaluation and
    improvement plan, and the LA documents shared with the governing body; not the headteacher's
    other uploads, not LA documents shared with the headteacher alone, nothing withdrawn."""
    own_plans = Q(
        direction=Direction.FROM_SCHOOL, kind__in=[DocumentKind.SELF_EVALUATION, DocumentKind.IMPROVEMENT_PLAN]
    )
    shared_with_governors = Q(direction=Direction.FROM_LA, for_governors=True)
    return own_plans | shared_with_governors


def documents_visible_to(*, user: User | AnonymousUser, school: School) -> QuerySet[Document]:
    """The school's documents the user may read, newest first: every one (withdrawn too) for advisers
    and officers, those not withdrawn for its headteachers, the governors' share for its governors, none
    for anyone else."""
    documents = Document.objects.filter(school=school).select_related("uploaded_by", "withdrawn_by")
    if is_la_reader(user):
        return documents
    if is_headteacher(user) and is_headteacher_of_school(user, school):
        return documents.filter(withdrawn_at__isnull=True)
    if user.has_perm("exchange.view_documents", school):  # the school's governor
        return documents.filter(
            governors_see_the_schools_plans_and_what_the_la_shares_with_them(), withdrawn_at__isnull=True
        )
    return documents.none()


def shared_with_headteacher(*, user: User, limit: int = 5) -> list[Document]:
    """The latest LA documents shared with a headteacher's schools (their home page): one query."""
    return list(
        Document.objects.filter(
            school__headships__user=user, direction=Direction.FROM_LA, withdrawn_at__isnull=True
        ).select_related("school")[:limit]
    )
