"""Helpers the categorisation pages share (views_categorise, views_review)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import User

from . import selectors
from .evidence import cited_items, may_see
from .models import Categorisation


def categorisation_for(request: HttpRequest, pk: int) -> Categorisation:
    if not request.user.has_perm("categorisation.read_categorisations"):
        raise PermissionDenied
    try:
        return selectors.categorisation_detail(pk)
    except Categorisation.DoesNotExist as missing:
        raise Http404 from missing


def read_label(categorisation: Categorisation) -> str:
    """How the read log names it (confidential pages record each read: audit.services)."""
    return f"Categorisation of {categorisation.school.name}, {categorisation.term_label}"


def visible_cited(user: User, categorisation: Categorisation) -> list:
    """The evidence the categorisation cites that the user may see."""
    return [item for item in cited_items(categorisation.cited_evidence) if may_see(user, item)]
