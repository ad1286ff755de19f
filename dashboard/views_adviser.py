"""An adviser's own dashboard (/dashboard/adviser/, docs/adr/0029). Read only; see dashboard.adviser."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from .adviser import adviser_dashboard as dashboard_for


@permission_required("dashboard.view_adviser_dashboard", raise_exception=True)
def adviser_dashboard(request):
    today = timezone.localdate()
    return render(
        request,
        "dashboard/adviser_dashboard.html",
        {"dashboard": dashboard_for(user=request.user, today=today), "today": today, "title": "My dashboard"},
    )
