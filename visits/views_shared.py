"""Helpers the visits app's page modules share (views_visits, views_msp, ...)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest


def forbid_unless(request: HttpRequest, perm: str, obj: Model | None = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def errors_shown(request: HttpRequest, add_row: bool, form, formset) -> bool:
    """Errors show after a real submission; "Add another action" re-displays the page without them."""
    if request.method != "POST":
        return False
    if add_row:
        for each in [form, *formset.forms]:
            each.helper.form_show_errors = False
        return False
    return True
