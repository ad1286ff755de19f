"""core.forms.LongSelect renders the same select as Django's, option for option."""

from django import forms
from django.test import SimpleTestCase
from django.utils.html import escape

from core.forms import LongSelect

CHOICES = [("", "Any ward"), ("1", "Bretton"), ("2", "Park & <Ride>"), ("3", "Dogsthorpe")]


class WardForm(forms.Form):
    fast = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect(attrs={"class": "govuk-select"}))
    slow = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "govuk-select"}))


def assert_html_equal(first: str, second: str) -> None:
    SimpleTestCase().assertHTMLEqual(first, second)


def test_a_long_select_renders_the_same_markup_as_a_django_select():
    form = WardForm(data={"fast": "2", "slow": "2"})
    fast = str(form["fast"]).replace("fast", "X")
    slow = str(form["slow"]).replace("slow", "X")
    assert_html_equal(fast, slow)
    assert '<option value="2" selected>' in fast
    assert escape("Park & <Ride>") in fast


def test_a_long_select_with_nothing_chosen_selects_the_empty_option():
    form = WardForm()
    assert_html_equal(str(form["fast"]).replace("fast", "X"), str(form["slow"]).replace("slow", "X"))


def test_inline_radios_keep_the_govuk_radios_class_so_their_labels_are_laid_out():
    from crispy_forms.utils import render_crispy_form

    from visits.forms_actions import ActionRowForm

    html = render_crispy_form(ActionRowForm(number=1))
    assert 'class="govuk-radios govuk-radios--inline govuk-radios--small"' in html
    assert 'class="govuk-radios--inline' not in html


def test_a_required_field_left_empty_is_named_in_plain_words_even_from_a_label_built_with_format_html():
    from django.utils.html import format_html

    from core.forms import TextLimits

    class Moderation(TextLimits, forms.Form):
        level = forms.ChoiceField(choices=[("high", "High")], label=format_html("Moderated level for {}", "St John's"))
        reason = forms.CharField(label="Reason")
        sure = forms.BooleanField(label="I have read the evidence")
        question = forms.CharField(label="How does the concern end?")
        code = forms.CharField(label="LA code")

    form = Moderation(data={})
    assert form.errors == {
        "level": ["Choose moderated level for St John's"],
        "reason": ["Enter reason"],
        "sure": ["Tick \u201cI have read the evidence\u201d"],
        "question": ["Answer \u201cHow does the concern end?\u201d"],
        "code": ["Enter LA code"],
    }
