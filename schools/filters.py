"""The schools list's filters and sort orders."""

from dataclasses import dataclass

import django_filters
from crispy_forms_gds.layout import Button, Div, Field
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import Role
from core.forms import FilterSet, LongSelect, TextLimits, form_helper
from core.model_choices import ModelChoiceFilter
from core.segments import IdsBySegment
from core.text import is_number

from .models import CategoryOfConcern, Governance, OfstedFramework, School, SchoolStatus
from .selectors import (
    NamedMatch,
    find_by_name_or_code,
    phases,
    search_condition,
    trusts_with_schools,
    wards_with_schools,
)

# A ward or trust is typed, not picked from thousands of options (docs/adr/0019); when the text
# does not name exactly one, the list says so and offers the matches as links.
NO_MATCH = "No {noun} with a school matches “{text}”. Check the spelling, or enter part of its name or its code."
SEVERAL_MATCH = "{count} {noun}s match “{text}”. Choose one from the list below, or enter more of its name or its code."
MATCHES_SHOWN = 20

OFSTED_CHOICES = [
    ("1", "Outstanding"),
    ("2", "Good"),
    ("3", "Requires improvement"),
    ("4", "Inadequate"),
    ("category", "Special measures or serious weaknesses"),
    ("report_card", "Report card (no overall grade)"),
    ("none", "No graded inspection on record"),
]
STATUS_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]

# Sort keys offered by the list's column headings, and what each orders by.
# Each ends with the URN (unique), so that a page boundary never splits or repeats ties.
SORTS = {
    "name": ("name", "urn"),
    "urn": ("urn",),
    "phase": ("phase", "name", "urn"),
    "type": ("establishment_type__name", "name", "urn"),
    "ward": ("ward__name", "name", "urn"),
    "adviser": ("link_adviser__first_name", "link_adviser__last_name", "name", "urn"),
    "pupils": ("number_on_roll", "name", "urn"),
    "ofsted": ("latest_ofsted_date", "name", "urn"),
}


def link_advisers():
    return (
        get_user_model()
        .objects.filter(groups__name__in=[Role.ADVISER, Role.OFFICER], is_active=True)
        .distinct()
        .order_by("first_name", "last_name")
    )


def phase_choices():
    return [(p, p) for p in phases()]


# crispy-forms gives an unknown widget its class name as its CSS class; these are GOV.UK selects.
GOVUK_SELECT = {"class": "govuk-select"}


@dataclass(frozen=True)
class Named:
    """A filter by a ward or trust: its text box (`<key>_name`) and the id (`<key>`) of the one
    chosen, which the list's links and old bookmarks carry (`?ward=<id>` still works)."""

    key: str
    noun: str
    queryset: object  # a callable returning the wards or trusts that have a school

    @property
    def text_param(self) -> str:
        return f"{self.key}_name"


NAMED = {
    "ward": Named("ward", "ward", wards_with_schools),
    "trust": Named("trust", "trust", trusts_with_schools),
}


@dataclass
class Offered:
    """One of several matches, offered as a link that chooses it."""

    name: str
    code: str
    href: str


@dataclass
class Offers:
    matches: list[Offered]
    more: int  # matches not shown


class SchoolFilterForm(TextLimits, forms.Form):
    """Resolves the ward and trust boxes to one ward and one trust (`chosen`), or says why not
    (a field error, and `offered` the matches to choose from)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen: dict[str, object] = {}
        self.offered: dict[str, Offers] = {}

    def clean_ward_name(self):
        return self._resolve(NAMED["ward"])

    def clean_trust_name(self):
        return self._resolve(NAMED["trust"])

    def _resolve(self, named: Named) -> str:
        text = self.cleaned_data.get(named.text_param, "")
        if not text:
            return text
        match: NamedMatch = find_by_name_or_code(
            named.queryset(), text, chosen_id=self.data.get(named.key, ""), limit=MATCHES_SHOWN
        )
        if match.found is not None:
            self.chosen[named.key] = match.found
            return text
        if not match.count:
            raise forms.ValidationError(NO_MATCH.format(noun=named.noun, text=text))
        shown = [Offered(o.name, o.code, self._choose_href(named, o)) for o in match.candidates[:MATCHES_SHOWN]]
        self.offered[named.key] = Offers(shown, match.count - len(shown))
        raise forms.ValidationError(SEVERAL_MATCH.format(count=match.count, noun=named.noun, text=text))

    def _choose_href(self, named: Named, found) -> str:
        params = self.data.copy()
        params.pop("page", None)
        params[named.key] = str(found.pk)
        params[named.text_param] = found.name
        return "?" + params.urlencode()


class SchoolFilter(FilterSet):
    q = django_filters.CharFilter(label="Name, URN or postcode", method="filter_search")
    phase = django_filters.ChoiceFilter(choices=phase_choices, empty_label="Any phase")
    governance = django_filters.ChoiceFilter(
        label="Type", field_name="establishment_type__governance", choices=Governance.choices, empty_label="Any type"
    )
    ofsted = django_filters.ChoiceFilter(
        label="Latest Ofsted", choices=OFSTED_CHOICES, method="filter_ofsted", empty_label="Any outcome"
    )
    link_adviser = ModelChoiceFilter(
        queryset=lambda request: link_advisers(), empty_label="Any adviser", widget=LongSelect(attrs=GOVUK_SELECT)
    )
    # England has thousands of wards and trusts: typed, not chosen from a list (SchoolFilterForm).
    ward_name = django_filters.CharFilter(label="Ward", method="filter_named", help_text="Name or code")
    trust_name = django_filters.CharFilter(label="Trust", method="filter_named", help_text="Name or code")
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )

    class Meta:
        model = School
        fields = []
        form = SchoolFilterForm

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("status"):
            data["status"] = "open"
        if data is not None:
            for named in NAMED.values():
                _fill_in_bookmarked_name(data, named)
        super().__init__(data, *args, **kwargs)
        self.form.helper = form_helper(
            Div(
                *[
                    Div(Field(name), css_class="govuk-grid-column-one-quarter")
                    for name in ("q", "phase", "governance", "ofsted")
                ],
                css_class="govuk-grid-row",
            ),
            Div(
                *[
                    Div(Field(name), css_class="govuk-grid-column-one-quarter")
                    for name in ("link_adviser", "ward_name", "trust_name", "status")
                ],
                css_class="govuk-grid-row",
            ),
            Button("filter", "Apply filters"),
            label_size="s",
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A ward or trust that names none, or several, filters to nothing (the page says why),
        # never to every school: an export of "these schools" must not quietly ignore it.
        if any(named.text_param in self.form.errors for named in NAMED.values()):
            return queryset.none()
        return queryset

    def filter_named(self, queryset, name, value):
        key = name.removesuffix("_name")
        return queryset.filter(**{key: self.form.chosen[key]}) if key in self.form.chosen else queryset

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_condition(value)) if value.strip() else queryset

    def filter_status(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(status=SchoolStatus.CLOSED)
        if value == "all":
            return queryset
        return queryset.exclude(status=SchoolStatus.CLOSED)

    def filter_ofsted(self, queryset, name, value):
        if value in {"1", "2", "3", "4"}:
            return queryset.filter(latest_ofsted_grade=int(value))
        if value == "category":
            return queryset.filter(
                Q(latest_ofsted_category=CategoryOfConcern.SPECIAL_MEASURES)
                | Q(latest_ofsted_category=CategoryOfConcern.SERIOUS_WEAKNESSES)
                | Q(latest_ofsted_category=CategoryOfConcern.SIGNIFICANT_IMPROVEMENT)
            )
        if value == "report_card":
            return queryset.filter(latest_ofsted_framework=OfstedFramework.REPORT_CARD)
        if value == "none":
            return queryset.filter(latest_inspection_id=None)
        return queryset


def _fill_in_bookmarked_name(data, named: Named) -> None:
    """An address with only the id (`?ward=12`, as bookmarked before the box was typed) shows the
    ward's name in the box and filters by it; an unknown id is left as the text, which then
    matches nothing and says so."""
    chosen_id = data.get(named.key, "").strip()
    if not chosen_id or named.text_param in data:
        return
    found = named.queryset().filter(pk=int(chosen_id)).first() if _is_an_id(chosen_id) else None
    data[named.text_param] = found.name if found is not None else chosen_id


def _is_an_id(text: str) -> bool:
    return is_number(text) and len(text) <= 9


# Sorts led by a column of few values (150 advisers for 22,000 schools): a page sorts only the
# segments it falls in (core.segments), not every school.
SEGMENTED_SORTS = {"adviser": 2}  # the number of leading fields that form the segments


def ids_in_order(queryset, sort: str):
    """The ids of the `queryset` apply_sort ordered by `sort`, for the list's id-first pagination."""
    leading = SEGMENTED_SORTS.get(sort.lstrip("-"))
    if leading is None:
        return queryset.values_list("pk", flat=True)
    fields = tuple(queryset.query.order_by)  # the order apply_sort gave it, read rather than rebuilt
    return IdsBySegment(queryset, leading=fields[:leading], within=fields[leading:])


def apply_sort(queryset, sort: str):
    """Order by a SORTS key, "-" for descending; unknown keys fall back to name."""
    key = sort.lstrip("-")
    if key not in SORTS:
        return queryset.order_by(*SORTS["name"]), "name"
    fields = SORTS[key]
    if sort.startswith("-"):
        return queryset.order_by(*[f"-{f}" for f in fields]), sort
    return queryset.order_by(*fields), sort
