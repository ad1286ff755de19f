"""The case file's filter (docs/adr/0021): GOV.UK checkboxes of the kinds the reader may see and
the order, submitted by GET so it works without JavaScript and the address can be shared."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from core.forms import TextLimits, form_helper

NEWEST, OLDEST = "newest", "oldest"


class CaseFileFilterForm(TextLimits, forms.Form):
    kind = forms.MultipleChoiceField(
        label="Show",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave every box clear to show everything.",
    )
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[(NEWEST, "Newest first"), (OLDEST, "Oldest first")],
        widget=forms.RadioSelect,
        initial=NEWEST,
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        self.helper = form_helper(
            Field.checkboxes("kind", legend_size=Size.SMALL, small=True),
            Field.radios("order", legend_size=Size.SMALL, small=True),
            Button("filter", "Apply filters"),
        )
        # An invalid choice shows everything (choices()), so it is no error to show.
        self.helper.form_show_errors = False

    def choices(self) -> tuple[list[str], bool]:
        """The kinds chosen (none: all) and whether the newest come first; an invalid choice (a
        kind the reader may not see, a hand-made address) shows everything rather than an error."""
        if not self.is_valid():
            return [], True
        return self.cleaned_data["kind"], self.cleaned_data["order"] != OLDEST
