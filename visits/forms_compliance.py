"""The form for a school's enhanced offer (the compliance pages): the
shape of input only (rules are in services and rules)."""

from typing import cast

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.html import format_html

from core.forms import Button, TextLimits, form_helper
from schools.models import academic_year_label

from .models import (
    ENHANCED_OFFER_MAX_HALF_DAYS,
)


class EnhancedOfferForm(TextLimits, forms.Form):
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=int)
    half_days = forms.IntegerField(
        label="Half-day visits bought",
        min_value=0,
        max_value=ENHANCED_OFFER_MAX_HALF_DAYS,
        help_text=format_html("From 0 to {}; 0 if the school no longer buys the offer", ENHANCED_OFFER_MAX_HALF_DAYS),
        error_messages={
            "required": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
            "invalid": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
            "min_value": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
            "max_value": f"Enter a number of half-days from 0 to {ENHANCED_OFFER_MAX_HALF_DAYS}",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        year = cast(forms.TypedChoiceField, self.fields["academic_year"])
        year.choices = [(y, academic_year_label(y)) for y in years]
        self.helper = form_helper(
            Field.radios("academic_year", legend_size=Size.SMALL, inline=True),
            Field.text("half_days", field_width=2),
            Field.textarea("notes", rows=2),
            Button("save", "Save enhanced offer"),
        )
        year.widget = forms.RadioSelect(choices=year.choices)
