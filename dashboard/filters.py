"""The officer dashboard's filters (LA code, phase, link adviser): a GET form of GOV.UK selects that
works without JavaScript, and the schools it selects. The list page behind each figure takes the
same filters, so a figure and its list always count the same schools."""

from crispy_forms_gds.layout import Div, Field
from django import forms
from django.conf import settings
from django.db.models import QuerySet

from core.forms import Button, LongSelect, TextLimits, form_helper
from schools.filters import GOVUK_SELECT, link_advisers, phase_choices
from schools.models import School

FILTER_NAMES = ("la", "phase", "adviser")


class DashboardFilterForm(TextLimits, forms.Form):
    la = forms.ChoiceField(label="LA code", required=False)
    phase = forms.ChoiceField(label="Phase", required=False)
    # Every adviser select is a LongSelect: England's 150 advisers as Django's one template an
    # option cost 40 ms a page (bench/pages.py).
    adviser = forms.ChoiceField(label="Link adviser", required=False, widget=LongSelect(attrs=GOVUK_SELECT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la"].choices = [("", "Every LA")] + [(code, code) for code in settings.LOCAL_AUTHORITY_CODES]
        self.fields["phase"].choices = [("", "Any phase"), *phase_choices()]
        self.fields["adviser"].choices = [("", "Any adviser")] + [(str(u.pk), str(u)) for u in link_advisers()]
        self.helper = form_helper(
            Div(
                *[Div(Field(name), css_class="govuk-grid-column-one-third") for name in FILTER_NAMES],
                css_class="govuk-grid-row",
            ),
            Button("filter", "Apply filters"),
            label_size="s",
        )
        # An unknown value (a hand-made or stale address) is ignored (chosen()), so it is no error to show.
        self.helper.form_show_errors = False

    def chosen(self) -> dict[str, str]:
        """The valid filters chosen (an unknown value is ignored, never an error page)."""
        if not self.is_bound:
            return {}
        chosen = {}
        for name in FILTER_NAMES:
            field = self.fields[name]
            value = self.data.get(name, "")
            if value and value in {str(key) for key, _ in field.choices}:
                chosen[name] = value
        return chosen


def filter_schools(schools: QuerySet[School], chosen: dict[str, str]) -> QuerySet[School]:
    """The schools the chosen filters keep."""
    if chosen.get("la"):
        schools = schools.filter(la_code=chosen["la"])
    if chosen.get("phase"):
        schools = schools.filter(phase=chosen["phase"])
    if chosen.get("adviser"):
        schools = schools.filter(link_adviser_id=int(chosen["adviser"]))
    return schools
