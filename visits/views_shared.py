"""Helpers the visits app's page modules share (views_visits, views_msp, ...)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest


def forbid_unless(request: HttpRequest, perm: str, obj: Model | None = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
