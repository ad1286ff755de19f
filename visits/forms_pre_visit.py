"""The form of the school's pre-visit section (docs/adr/0028): a rating and a self-evaluation for
each of the visit's focus areas, recent data and what the school wants from the visit. Every field
is optional here (a draft may be partial); what must be there to send it is the rule
visits.pre_visit.pre_visit_sent_complete, whose errors land on these fields."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.html import format_html

from core.forms import Markup, form_helper
from core.versions import VersionedForm

from .models import SelfEvaluationRating
from .pre_visit import evaluation_field, focus_label, rating_field
from .pre_visit_changes import shown_areas


class PreVisitForm(VersionedForm):
    """Its page carries the section's version and the focus areas it showed (hidden, written by the
    template): a bound form has the fields of the areas its page showed, so that what was typed
    about an area the adviser has since dropped is not lost unseen (visits.pre_visit_changes)."""

    recent_data = forms.CharField(
        label="Recent data (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="For example this term's attendance, the latest assessment or phonics check results, "
        "exclusions, or changes of staff since the last visit",
    )
    wants_from_visit = forms.CharField(
        label="What do you want from the visit?",
        widget=forms.Textarea,
        required=False,
        help_text="What you would like the adviser to look at, help with or challenge",
    )
    focus_areas_shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, focus_areas: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown_areas(self.data.get(self.add_prefix("focus_areas_shown"))) if self.is_bound else None
        self.focus_areas = list(focus_areas) if self.shown is None else self.shown
        self.initial.setdefault("focus_areas_shown", ",".join(self.focus_areas))
        layout = []
        if self.focus_areas:
            layout.append(Markup(format_html('<h2 class="govuk-heading-m">{}</h2>', "Self-evaluation")))
        for area in self.focus_areas:
            label = focus_label(area)
            self.fields[rating_field(area)] = forms.ChoiceField(
                label=format_html("Your rating of {}", label.lower()),
                choices=SelfEvaluationRating.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[evaluation_field(area)] = forms.CharField(
                label=format_html("Your self-evaluation of {}", label.lower()),
                widget=forms.Textarea,
                required=False,
                help_text="Why you rate it so: your evidence, and what you are doing about it",
            )
            layout += [
                Markup(format_html('<h3 class="govuk-heading-s">{}</h3>', label)),
                Field.radios(rating_field(area), legend_size=Size.SMALL, small=True),
                Field.textarea(evaluation_field(area), rows=5),
            ]
        layout += [
            Markup(format_html('<h2 class="govuk-heading-m">{}</h2>', "Recent data and what you want from the visit")),
            Field.textarea("recent_data", rows=5),
            Field.textarea("wants_from_visit", rows=4),
        ]
        # The error summary lists errors in field order: the page's order, recent data last.
        self.order_fields([*(f for f in self.fields if f not in self.declared_fields), *self.declared_fields])
        self.helper = form_helper(*layout)

    def evaluations(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            area: (data.get(rating_field(area)) or "", data.get(evaluation_field(area)) or "")
            for area in self.focus_areas
        }
