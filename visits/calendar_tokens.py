"""Writes to the secret of a user's calendar feed URL (visits.calendar_feed reads it): made again
or revoked. Only its hash is kept. Re-exported by visits.services, the app's entry point for writes."""

import hashlib
import secrets

from django.db import transaction

from accounts.models import User

from .models import CalendarFeedToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_regenerate(*, user: User, actor: User) -> str:
    """Make a new secret for the user's calendar feed URL and return it (only its hash is kept;
    the previous URL stops working)."""
    token = secrets.token_urlsafe(32)
    # One request at a time per user (a double click on the button): the second replaces the first.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    CalendarFeedToken.objects.filter(user=user).delete()
    CalendarFeedToken.objects.create(user=user, token_hash=hash_token(token))
    return token


@transaction.atomic
def calendar_token_revoke(*, user: User, actor: User) -> None:
    CalendarFeedToken.objects.filter(user=user).delete()
