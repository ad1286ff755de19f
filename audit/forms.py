from crispy_forms_gds.layout import Button, Div, Field
from django import forms

from accounts.models import AccessEventKind
from core.forms import LongSelect, TextLimits, form_helper
from core.model_choices import ModelChoiceField

from . import selectors

DECLINE_REASON_MAX = 1000


class UserChoiceField(ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


def _user_field(label: str) -> UserChoiceField:
    return UserChoiceField(
        label=label,
        required=False,
        queryset=selectors.users_for_filter(),
        empty_label="Anyone",
        widget=LongSelect(attrs={"class": "govuk-select"}),
    )


class ReadLogFilterForm(TextLimits, forms.Form):
    """The read log's filter (a GET form)."""

    user = _user_field("Who read")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Div(Div(Field("user"), css_class="govuk-grid-column-one-half"), css_class="govuk-grid-row"),
            Button("filter", "Apply filter"),
            label_size="s",
        )


class AccessLogFilterForm(TextLimits, forms.Form):
    """The access log's filters (a GET form)."""

    user = _user_field("Whose account, or who made the change")
    kind = forms.ChoiceField(label="What", required=False, choices=[("", "Anything"), *AccessEventKind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Div(
                Div(Field("user"), css_class="govuk-grid-column-one-half"),
                Div(Field("kind"), css_class="govuk-grid-column-one-half"),
                css_class="govuk-grid-row",
            ),
            Button("filter", "Apply filters"),
            label_size="s",
        )


class DeclineForm(TextLimits, forms.Form):
    text_labels = {"comments": "The reason"}

    comments = forms.CharField(
        label="Why (optional)",
        help_text="The admin who asked sees this.",
        required=False,
        max_length=DECLINE_REASON_MAX,
        widget=forms.Textarea,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("comments", rows=4), Button("decline", "Decline the request"))
