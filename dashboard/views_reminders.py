"""The reminders page: what is due or overdue for the signed-in adviser or officer (the same list
the daily digest emails), how often they want the email, and the digests sent to them."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.permissions import is_la_staff
from core.forms import posted
from core.reminders import reminders_for

from .digest import digest_preference_set, frequency_of
from .forms import DigestPreferenceForm
from .models import Digest

RECENT_DIGESTS = 5


def reminders(request):
    user = request.user
    if not is_la_staff(user):
        raise PermissionDenied
    form = DigestPreferenceForm(posted(request), initial={"frequency": frequency_of(user)})
    if request.method == "POST" and form.is_valid():
        digest_preference_set(user=user, frequency=form.cleaned_data["frequency"])
        messages.success(request, "Saved how often you get the reminders email.")
        return redirect("dashboard:reminders")
    items = reminders_for(user=user, today=timezone.localdate())
    by_topic = [
        (topic, list(group)) for topic, group in groupby(sorted(items, key=lambda r: r.topic), key=lambda r: r.topic)
    ]
    return render(
        request,
        "dashboard/reminders.html",
        {
            "title": "Your reminders",
            "by_topic": by_topic,
            "count": len(items),
            "overdue": sum(1 for item in items if item.overdue),
            "form": form,
            "digests": Digest.objects.filter(user=user)[:RECENT_DIGESTS],
            "email": user.email,
            "digest_hour": settings.DIGEST_HOUR,
        },
    )
