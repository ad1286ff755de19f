"""The adviser's calendar page, its subscription link and the iCalendar feed."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import calendar_feed, selectors, services
from .forms_calendar import CalendarRangeForm

CALENDAR_TOKEN_SESSION_KEY = "visits_new_calendar_token"


@permission_required("visits.use_calendar", raise_exception=True)
def calendar(request):
    form = CalendarRangeForm(request.GET or None)
    weeks = (form.cleaned_data.get("weeks") if form.is_valid() else None) or 8
    today = timezone.localdate()
    visits, meetings = selectors.calendar_entries(
        user=request.user, starts_on=today, ends_on=today + timedelta(weeks=weeks)
    )
    token = request.session.pop(CALENDAR_TOKEN_SESSION_KEY, None)
    return render(
        request,
        "visits/calendar.html",
        {
            "days": calendar_feed.by_day(visits, meetings),
            "weeks": weeks,
            "form": form,
            "feed_url": request.build_absolute_uri(reverse("visits:calendar_feed", kwargs={"token": token}))
            if token
            else "",
            "has_token": hasattr(request.user, "calendar_token"),
            "title": "Your calendar",
        },
    )


@require_POST
@permission_required("visits.use_calendar", raise_exception=True)
def calendar_token(request):
    if "revoke" in request.POST:
        services.calendar_token_revoke(user=request.user, actor=request.user)
        messages.success(request, "Calendar subscription link turned off. Calendars using it stop updating.")
    else:
        token = services.calendar_token_regenerate(user=request.user, actor=request.user)
        request.session[CALENDAR_TOKEN_SESSION_KEY] = token
        messages.success(request, "New calendar subscription link made. Any older link no longer works.")
    return redirect("visits:calendar")


@never_cache
@login_not_required
def calendar_feed_view(request, token: str):
    """The iCalendar feed: no sign-in (calendar apps cannot), the secret in the URL instead. Only
    dates, times, school names and visit types - never notes or minutes."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404
    visits, meetings = selectors.feed_entries(user=user, today=timezone.localdate())
    response = HttpResponse(calendar_feed.to_ical(visits, meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    return response
