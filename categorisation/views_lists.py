"""Categorisation lists: schools by category (and its export), schools due for review, and the
officers' approval queue."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from core.exports import csv_response, xlsx_response
from core.pagination import paginate
from schools.models import School
from schools.terms import term_on

from . import exports, selectors
from .filters import CategoryFilter
from .models import Status, SupportLevel
from .rules import (
    may_be_categorised,
)

EXPORT_HEADER = [
    "URN",
    "School",
    "Phase",
    "Type",
    "Link adviser",
    "Current category",
    "Term",
    "Approved on",
    "Approved by",
    "Direction of travel",
    "In progress",
]


def _category_rows(request):
    category_filter = CategoryFilter(request.GET, queryset=selectors.schools_by_category().exclude(status="closed"))
    return category_filter, category_filter.qs.order_by("name", "urn")


def _attach_current(schools) -> None:
    current = selectors.current_categories([s.pk for s in schools])
    for school in schools:
        school.current = current.get(school.pk)
        school.categorised_by_la = may_be_categorised(school)


@permission_required("categorisation.see_categories", raise_exception=True)
def category_list(request):
    category_filter, schools = _category_rows(request)
    pagination = paginate(request, schools)
    _attach_current(pagination.page.object_list)
    counts = selectors.level_counts(School.objects.maintained().exclude(status="closed"))
    return render(
        request,
        "categorisation/list.html",
        {
            "filter": category_filter,
            "pagination": pagination,
            "counts": counts,
            "levels": SupportLevel,
            "can_read": request.user.has_perm("categorisation.read_categorisations"),
            "can_review": request.user.has_perm("categorisation.review"),
            "title": "Schools by support category",
        },
    )


@permission_required("categorisation.see_categories", raise_exception=True)
def category_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, schools = _category_rows(request)
    can_read = request.user.has_perm("categorisation.read_categorisations")

    def rows():
        ids = list(schools.values_list("pk", flat=True))
        current = selectors.current_categories(ids)
        for school in schools.iterator(chunk_size=2000):
            now = current.get(school.pk)
            yield [
                school.urn,
                school.name,
                school.phase,
                school.establishment_type.name,
                str(school.link_adviser or ""),
                now.level_label if now else ("Not categorised by the LA" if not may_be_categorised(school) else ""),
                now.term_label if now else "",
                timezone.localtime(now.approved_at).date() if now else None,
                now.approved_by if now else "",
                now.direction_label if now else "",
                (Status(school.open_status).label if school.open_status else "") if can_read else "",
            ]

    if fmt == "xlsx":
        return xlsx_response("support-categories.xlsx", "Support categories", EXPORT_HEADER, rows())
    return csv_response("support-categories.csv", EXPORT_HEADER, rows())


@permission_required("categorisation.see_categories", raise_exception=True)
def review_due(request):
    today = timezone.localdate()
    due_filter, due = exports.filtered_review_due(user=request.user, params=request.GET)
    pagination = paginate(request, due)
    _attach_current(pagination.page.object_list)
    return render(
        request,
        "categorisation/review_due.html",
        {
            "filter": due_filter,
            "pagination": pagination,
            "term": term_on(today),
            "can_read": request.user.has_perm("categorisation.read_categorisations"),
            "title": "Schools due for review",
        },
    )


@permission_required("categorisation.review", raise_exception=True)
def queue(request):
    pagination = paginate(request, selectors.approval_queue())
    items = pagination.page.object_list
    current = selectors.current_categories([c.school_id for c in items])
    for item in items:
        item.current = current.get(item.school_id)
    return render(request, "categorisation/queue.html", {"pagination": pagination, "title": "Waiting for approval"})
