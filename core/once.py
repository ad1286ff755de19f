"""A form is sent once (docs/adr/0080-a-form-is-sent-once.md).

Each POST form carries `{% sent_once %}`: a hidden key made when the page is drawn. A request is
known by that key and what it sends (`_request_key`: the same key with other values or another
file is a new form, as when a person goes Back, corrects the form and sends it again). The first
request claims it (a row of SentForm, committed before the view runs, so a second request at the
same moment sees it). If the view answers with a redirect and queues no error message, the form did
what it was sent for: the claim is kept with the address it went on to. Otherwise (the form's
errors, a refusal, a 403, a 500) it is let go, and the form can be sent again. An "already done"
answer (an info message: the letter is drafted already, the request decided) keeps it: sending
again would be told the same.

A request whose claim is kept (Back and send again, a second click after the double-click guard's
second, a browser's retry) does nothing: it goes where the first went, saying so. While the first
is still being sent, the second waits for it (SENDING_WAIT_SECONDS), then goes where it went. A
claim never finished (its worker killed) is taken over after ABANDONED_AFTER.

Sign-in, password and second-factor forms carry no key: sending one of those again is signing in
again, not a second record (tests/core/test_sent_once.py lists them)."""

import hashlib
import time
import uuid
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from core.models import SentForm

FIELD = "sent_once"
NOT_SENT_VALUES = ("csrfmiddlewaretoken", FIELD)  # differ between two drawings of one form
ALREADY_SENT = "You had already sent this form, so it was not sent again. This is where it went."
STILL_SENDING = "This form is still being sent"
SENDING_WAIT_SECONDS = 10
SENDING_POLL_SECONDS = 0.2
# Longer than any request may run (gunicorn's timeout, config/gunicorn.py: 120 s): a claim still
# unfinished after it was left by a worker that was killed.
ABANDONED_AFTER = timedelta(minutes=3)
KEPT_FOR = timedelta(days=2)  # core.tasks.purge_sent_forms


def new_key() -> str:
    return uuid.uuid4().hex


def _what_is_sent(request) -> str:
    """A digest of the values and files the request sends, but the form's keys."""
    digest = hashlib.sha256()
    for name, values in sorted(request.POST.lists()):
        if name not in NOT_SENT_VALUES:
            digest.update(repr((name, values)).encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(repr((name, upload.name, upload.size)).encode())
            if upload.file is None:  # refused as it came (core.uploads.RefusedUpload): no content
                continue
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _request_key(request) -> uuid.UUID | None:
    """The form's key and what it sends, as one key; None without a well-formed form key."""
    value = request.POST.get(FIELD, "")
    try:
        key = uuid.UUID(hex=value) if len(value) == 32 else None
    except ValueError:
        return None
    return None if key is None else uuid.uuid5(key, _what_is_sent(request))


def _claim(key: uuid.UUID, request) -> SentForm | None:
    """The new claim (or an abandoned one of this user's taken over), or None when the key is
    another request's."""
    try:
        with transaction.atomic():
            return SentForm.objects.create(key=key, user=request.user, path=request.path[:2000])
    except IntegrityError:
        pass
    now = timezone.now()
    abandoned = SentForm.objects.filter(key=key, user=request.user, went_to="", sent_at__lt=now - ABANDONED_AFTER)
    return SentForm.objects.get(key=key) if abandoned.update(sent_at=now) else None


def _when_sent(key: uuid.UUID, request) -> SentForm | None:
    """The request that claimed this key first, once it has been sent; None once it has let it go
    (or it is not this user's)."""
    for _ in range(round(SENDING_WAIT_SECONDS / SENDING_POLL_SECONDS)):  # (a frozen clock in tests stops no loop)
        first = SentForm.objects.filter(key=key, user=request.user).first()
        if first is None or first.went_to:
            return first
        time.sleep(SENDING_POLL_SECONDS)
    return first


def _refused(request) -> bool:
    """Whether the view said no on its way out: an error message queued for the page it redirects
    to (a success may come with a warning: "their sign-in is suspended")."""
    storage = messages.get_messages(request)
    return any(m.level >= messages.ERROR for m in getattr(storage, "_queued_messages", ()))


def sent_forms_purge() -> int:
    """Keys older than KEPT_FOR: no page drawn that long ago is sent without being drawn again."""
    deleted, _ = SentForm.objects.filter(sent_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted


class SentOnceMiddleware:
    """Claims a POST's key after every check before the view (sign-in, CSRF, second factor), so a
    request those turn away never holds it; keeps it or lets it go by the view's answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "_sent_once_claim", None)
        if claim is None:
            return response
        if 300 <= response.status_code < 400 and response.has_header("Location") and not _refused(request):
            SentForm.objects.filter(pk=claim.pk).update(went_to=response["Location"][:2000])
        else:
            SentForm.objects.filter(pk=claim.pk).delete()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        key = _request_key(request)
        if key is None:
            return None
        claim = _claim(key, request)
        if claim is None:
            first = _when_sent(key, request)
            if first is not None and first.went_to:
                messages.info(request, ALREADY_SENT)
                return redirect(first.went_to)
            if first is not None:
                return render(request, "core/still_sending.html", {"title": STILL_SENDING}, status=409)
            claim = _claim(key, request)  # the first let it go meanwhile (its form had errors)
        request._sent_once_claim = claim  # None: another user's key, sent as any form without one
        return None
