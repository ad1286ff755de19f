"""Each role's landing page."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.shortcuts import render

from accounts.permissions import is_admin, is_adviser, is_governor, is_headteacher, is_officer
from accounts.roles import Role
from core.home import panels_for
from schools import selectors as school_selectors
from schools.models import Governance, ImportKind, ImportRecord, OfstedGrade, School

from . import outcomes, stored_ofsted


def home(request):
    """The role's own landing page, followed by the panels other apps register for it (core.home)."""
    user = request.user
    for allowed, page in (
        (is_governor, _governor_home),
        (is_headteacher, _headteacher_home),
        (is_adviser, _adviser_home),
        (is_officer, _officer_home),
        (is_admin, _admin_home),
    ):
        if allowed(user):
            template, context = page(request)
            context["panels"] = panels_for(request, user)
            return render(request, template, context)
    return render(request, "dashboard/no_role.html", {"title": "No role"}, status=403)


def _governor_home(request):
    schools = list(school_selectors.schools_visible_to(request.user).select_related("establishment_type"))
    return "dashboard/governor.html", {"schools": schools, "title": "Your school"}


def _headteacher_home(request):
    """The school's side (docs/adr/0023): their schools; the notes to acknowledge are a panel."""
    schools = list(school_selectors.schools_visible_to(request.user).select_related("establishment_type"))
    return "dashboard/headteacher.html", {"schools": schools, "title": "Your school"}


def _adviser_home(request):
    schools = list(school_selectors.my_schools(user=request.user).order_by("name"))
    school_selectors.attach_latest_inspections(schools)
    return "dashboard/adviser.html", {"schools": schools, "title": "Home"}


def ofsted_summary() -> list[dict]:
    """Open maintained schools and academies by latest overall Ofsted grade, from the stored counts
    (dashboard.stored_ofsted: open schools grouped by governance, framework and grade, counted again
    only after a write they depend on). The good-or-better share is the outcomes table's
    (dashboard.outcomes.good_or_better_share, ADR 0029): of the schools with an overall grade, report
    cards and schools never inspected counted apart."""
    grouped = stored_ofsted.counts()
    counts: defaultdict[str, int] = defaultdict(int)
    sets: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for governance, framework, grade, n in grouped:
        counts[f"{governance}_total"] += n
        sets[governance][outcomes.set_of(framework, grade)] += n
        if grade is not None:
            counts[f"{governance}_{grade}"] += n
    rows = []
    for governance in (Governance.MAINTAINED, Governance.ACADEMY):
        prefix = governance.value
        rows.append(
            {
                "label": governance.label,
                "governance": prefix,
                "total": counts[f"{prefix}_total"],
                "grades": [(grade, counts[f"{prefix}_{grade.value}"]) for grade in OfstedGrade],
                "good_or_better_percent": outcomes.good_or_better_share(sets[prefix]),
            }
        )
    return rows


def _officer_home(request):
    return "dashboard/officer.html", {"ofsted": ofsted_summary(), "title": "Home"}


def _admin_home(request):
    latest = {}
    for record in ImportRecord.objects.select_related("uploaded_by").defer("changes")[:20]:
        latest.setdefault(record.kind, record)
    role_counts = dict(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=Role.values)
        .values_list("groups__name")
        .annotate(n=Count("id"))
    )
    return "dashboard/admin.html", {
        "imports": [(kind, label, latest.get(kind)) for kind, label in ImportKind.choices],
        "role_counts": [(role.label, role_counts.get(role.value, 0)) for role in Role],
        "school_count": School.objects.count(),
        "title": "Home",
    }
