"""The schools list as a spreadsheet: its filters, its rows, and its background XLSX export
(core/export_jobs.py, registered in SchoolsConfig.ready)."""

from django.http import QueryDict

from core.export_jobs import ExportKind

from . import selectors
from .filters import SchoolFilter, apply_sort
from .models import CategoryOfConcern, OfstedFramework, OfstedGrade

EXPORT_HEADER = [
    "URN",
    "LAESTAB",
    "Name",
    "Phase",
    "Type",
    "LA maintained or academy",
    "Status",
    "Trust",
    "Ward",
    "Headteacher",
    "Link adviser",
    "Pupils on roll",
    "Latest Ofsted inspection",
    "Latest Ofsted outcome",
    "Postcode",
]


def filtered_schools(*, user, params: QueryDict):
    """The list page's filter, its schools in the chosen order, and the sort (the page, the CSV and
    the XLSX read the same)."""
    queryset = selectors.school_list(user=user)
    school_filter = SchoolFilter(params, queryset=queryset)
    ordered, sort = apply_sort(school_filter.qs, params.get("sort", "name"))
    return school_filter, ordered, sort


def school_rows(schools):
    for school in schools.iterator(chunk_size=2000):
        yield [
            school.urn,
            school.laestab,
            school.name,
            school.phase,
            school.establishment_type.name,
            school.establishment_type.get_governance_display(),
            school.get_status_display(),
            school.trust.name if school.trust else "",
            school.ward.name if school.ward else "",
            school.headteacher,
            str(school.link_adviser or ""),
            school.number_on_roll,
            school.latest_ofsted_date,
            _outcome_label(school),
            school.postcode,
        ]


def _outcome_label(school) -> str:
    if school.latest_ofsted_category:
        return CategoryOfConcern(school.latest_ofsted_category).label
    if school.latest_ofsted_grade:
        return OfstedGrade(school.latest_ofsted_grade).label
    if school.latest_ofsted_framework == OfstedFramework.REPORT_CARD:
        return "Report card"
    return ""


def _xlsx_rows(*, user, params: QueryDict):
    _, schools, _ = filtered_schools(user=user, params=params)
    return school_rows(schools)


def _filters(*, user, params: QueryDict) -> SchoolFilter:
    return filtered_schools(user=user, params=params)[0]


SCHOOLS = ExportKind(
    key="schools",
    title="Schools",
    permission="schools.view_school_list",
    filename="schools",
    sheet="Schools",
    header=EXPORT_HEADER,
    rows=_xlsx_rows,
    list_url="schools:list",
    filters=_filters,
)
