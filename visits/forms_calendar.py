"""The adviser's calendar range: the shape of input only (rules are in services and rules)."""

from django import forms

from core.forms import TextLimits


class CalendarRangeForm(TextLimits, forms.Form):
    weeks = forms.TypedChoiceField(
        label="Show", coerce=int, required=False, choices=[(4, "4 weeks"), (8, "8 weeks"), (13, "13 weeks")]
    )
