"""Entitlement and compliance: the compliance page and its export, and a school's enhanced offer."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from core.exports import csv_response, xlsx_response
from core.forms import add_service_errors, posted
from core.pagination import paginate
from core.text import count_of
from schools.selectors import school_for_user
from schools.terms import term_on

from . import services
from .compliance import STATUS_FILTERS, compliance_rows, compliance_schools, year_calendar
from .filters import filtered_compliance
from .forms_compliance import EnhancedOfferForm
from .models import EnhancedOffer
from .stored_compliance import rows_for, summarise_stored

COMPLIANCE_PAGE_SIZE = 50


@permission_required("visits.view_compliance", raise_exception=True)
def compliance(request):
    compliance_filter = filtered_compliance(user=request.user, params=request.GET, today=timezone.localdate())
    form, stored = compliance_filter.form, compliance_filter.qs
    # The summary counts the rows every filter but the status selects: each count is the number
    # of rows its status filter gives (the cards link to them).
    summary = summarise_stored(compliance_filter.qs_any_status)
    calendar = year_calendar(timezone.localdate())
    # Each summary card links to its status filter, keeping the other filters (an adviser's
    # default "my link schools" included).
    kept = {key: form.data.get(key) for key in ("adviser", "category", "phase") if form.data.get(key)}
    status_links = {status: "?" + urlencode(kept | {"status": status}) for status in STATUS_FILTERS}
    # The counts cover every school the other filters select; the table shows one page of those
    # the status filter keeps, each computed in full.
    pagination = paginate(request, stored, per_page=COMPLIANCE_PAGE_SIZE)
    return render(
        request,
        "visits/compliance.html",
        {
            "form": form,
            "pagination": pagination,
            "rows": rows_for(pagination.page.object_list, today=timezone.localdate()),
            "summary": summary,
            "status_links": status_links,
            "term": calendar.current_term,
            "term_ends": calendar.teaching_ends.get(calendar.current_term, calendar.current_term.ends_on),
            "half_term": calendar.current_half_term,
            "title": "Entitlement and compliance",
        },
    )


COMPLIANCE_HEADER = [
    "URN",
    "School",
    "Phase",
    "Link adviser",
    "Category",
    "Entitlement",
    "Term",
    "Periods due so far this term",
    "Periods met this term",
    "This term's record",
    "Period under way",
    "Visits completed in it",
    "Visits planned in it",
    "Status",
    "Missed earlier this year",
    "MSP group",
    "MSP meetings",
    "MSP half-terms missed this year",
    "Enhanced offer half-days bought",
    "Enhanced offer half-days used",
]


@permission_required("visits.view_compliance", raise_exception=True)
def compliance_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    stored = filtered_compliance(user=request.user, params=request.GET, today=timezone.localdate()).qs
    rows = compliance_rows(
        today=timezone.localdate(), schools=compliance_schools(school_ids=stored.values("school_id"))
    )

    def lines():
        for row in rows:
            visits, current = row.visits, row.visits.current
            yield [
                row.school.urn,
                row.school.name,
                row.school.phase,
                str(row.school.link_adviser or ""),
                row.level_label,
                visits.entitlement.label,
                visits.term.label if visits.term else "",
                visits.periods_due,
                visits.periods_met,
                visits.record_text,
                current.period.label if current else "",
                current.completed if current else "",
                current.planned if current else "",
                visits.status_label,
                visits.missed_earlier_text,
                "To set up" if row.msp_to_set_up else ("Open" if row.msp_group else ""),
                row.msp.status_label if row.msp else "",
                row.msp.missed_text if row.msp else "",
                row.enhanced.bought if row.enhanced else "",
                row.enhanced.used if row.enhanced else "",
            ]

    if fmt == "xlsx":
        return xlsx_response("visits-compliance.xlsx", "Compliance", COMPLIANCE_HEADER, lines())
    return csv_response("visits-compliance.csv", COMPLIANCE_HEADER, lines())


@permission_required("visits.manage_enhanced_offer", raise_exception=True)
def enhanced_offer(request, urn: int):
    school = school_for_user(user=request.user, urn=urn)
    year = term_on(timezone.localdate()).academic_year  # the LA's school year, as the compliance view counts it
    offers = {o.academic_year: o for o in EnhancedOffer.objects.filter(school=school, academic_year__gte=year - 1)}
    current = offers.get(year)
    initial = {"academic_year": year, "half_days": current.half_days if current else None}
    form = EnhancedOfferForm(posted(request), years=[year, year + 1], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.enhanced_offer_set(school=school, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Enhanced offer for {school.name} saved: {count_of(offer.half_days, 'half-day')}."
            )
            return redirect(school)
    return render(
        request,
        "visits/enhanced_offer.html",
        {
            "school": school,
            "form": form,
            "offers": sorted(offers.values(), key=lambda o: o.academic_year),
            "title": f"Enhanced offer: {school.name}",
        },
    )
