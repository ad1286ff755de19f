"""GOV.UK tags whose colour or words follow a value, each drawn in one place (core/templatetags):
{% pick %}, {% level_tag %}, {% direction_tag %} and {% ofsted_tag %}. They replaced
{% if %}/{% elif %} chains written out in includes and pages, and render the same markup."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from categorisation.models import SupportLevel

LEVEL = '<strong class="govuk-tag govuk-tag--{} app-tag--nowrap">{}</strong>'


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("status", "colour"),
    [("approved", "green"), ("submitted", "blue"), ("returned", "orange"), ("draft", "grey"), ("", "grey")],
)
def test_pick_gives_the_word_a_key_maps_to_else_the_otherwise_word(status, colour):
    source = '{% pick status approved="green" submitted="blue" returned="orange" otherwise="grey" %}'
    assert render(source, status=status) == colour


def test_pick_gives_nothing_for_any_other_key_without_an_otherwise_word():
    assert render('{% pick key in_use="green" %}', key="draft") == ""


def test_pick_escapes_a_word_that_is_data():
    assert render("{% pick key a=name %}", key="a", name="Tom & <Jerry>") == "Tom &amp; &lt;Jerry&gt;"


def test_what_pick_gives_can_be_kept_for_the_markup_that_follows():
    source = '{% pick key done="green" as colour %}<strong class="govuk-tag govuk-tag--{{ colour }}">x</strong>'
    assert render(source, key="done") == '<strong class="govuk-tag govuk-tag--green">x</strong>'


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("high", LEVEL.format("red", "High support")),
        ("medium", LEVEL.format("yellow", "Medium support")),
        ("low", LEVEL.format("green", "Low support")),
        (SupportLevel.HIGH, LEVEL.format("red", "High support")),
        ("", LEVEL.format("grey", "Not categorised")),
        (None, LEVEL.format("grey", "Not categorised")),
    ],
)
def test_a_level_tag_names_the_support_level_in_its_colour(level, expected):
    assert render("{% level_tag level %}", level=level) == expected


def test_a_level_tag_without_a_level_says_what_the_page_gives_escaped():
    html = render('{% level_tag level "No suggestion" %} {% level_tag level empty %}', level=None, empty="<b>None</b>")
    assert html == LEVEL.format("grey", "No suggestion") + " " + LEVEL.format("grey", "&lt;b&gt;None&lt;/b&gt;")


@pytest.mark.parametrize(
    ("direction", "previous", "expected"),
    [
        (
            "improving",
            "high",
            '<span class="app-direction">Improving</span>'
            '<span class="govuk-body-s app-muted"> (was high support)</span>',
        ),
        (
            "declining",
            "low",
            '<span class="app-direction">Declining</span>'
            '<span class="govuk-body-s app-muted"> (was low support)</span>',
        ),
        ("improving", None, '<span class="app-direction">Improving</span>'),
        ("stable", "medium", '<span class="app-direction">Stable</span>'),
        (None, "high", '<span class="app-muted">No previous category</span>'),
    ],
)
def test_a_direction_tag_says_the_direction_and_the_level_it_moved_from(direction, previous, expected):
    assert render("{% direction_tag direction previous %}", direction=direction, previous=previous) == expected


def test_a_direction_tag_without_a_direction_says_what_the_page_gives():
    html = render('{% direction_tag None empty="First category" %}')
    assert html == '<span class="app-muted">First category</span>'


def inspection(grade=None, concern="", headline="Good"):
    return SimpleNamespace(overall_effectiveness=grade, category_of_concern=concern, headline=headline)


@pytest.mark.parametrize(
    ("inspected", "colour"),
    [
        (inspection(1), "green"),
        (inspection(2), "green"),
        (inspection(3), "orange"),
        (inspection(4), "red"),
        (inspection(2, concern="SWK"), "red"),
        (inspection(None), "grey"),
    ],
)
def test_an_ofsted_tag_colours_the_inspection_headline_by_its_grade(inspected, colour):
    html = render("{% load app_tags %}{% ofsted_tag inspection %}", inspection=inspected)
    assert html == LEVEL.format(colour, "Good")


def test_an_ofsted_tag_escapes_the_headline_and_says_when_there_is_no_inspection():
    html = render("{% load app_tags %}{% ofsted_tag a %}|{% ofsted_tag None %}", a=inspection(3, headline="<i>RI</i>"))
    assert html == LEVEL.format("orange", "&lt;i&gt;RI&lt;/i&gt;") + '|<span class="govuk-body-s">None on record</span>'
