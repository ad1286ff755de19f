"""Placeholders: checked when saved, filled in plain text, laid out as paragraphs, bullets, headings."""

from datetime import date

import pytest

from letters import placeholders
from letters.models import LetterType
from letters.placeholders import (
    DOUBLE_BRACES,
    STRAY_BRACE,
    UNKNOWN_DOUBLE_BRACES,
    UNKNOWN_PLACEHOLDER,
    WARNING_NOTICE_ONLY,
    Facts,
    check,
    render_blocks,
)


def facts(**kwargs) -> Facts:
    values = {
        "school_name": "Kingfisher Primary School",
        "urn": "874001",
        "school_address": "Kingfisher Primary School, 1 Road, Peterborough",
        "headteacher": "Mrs Helen Marsh",
        "chair_of_governors": "Grace Holt",
        "link_adviser": "Adam Reid",
        "letter_type": "Warning notice",
        "issue_date": date(2026, 11, 22),
        "indicators": ["A drop in Ofsted rating."],
        "grounds": ["a", "c"],
        "compliance_end_date": date(2027, 1, 29),
    }
    return Facts(**{**values, **kwargs})


@pytest.mark.parametrize(
    ("text", "kind", "errors"),
    [
        ("Dear {headteacher}, on {date}", "congratulations", []),
        ("Dear {head_teacher}", "congratulations", [UNKNOWN_PLACEHOLDER.format(name="head_teacher")]),
        ("{grounds}", "significant_concerns", [WARNING_NOTICE_ONLY.format(name="grounds")]),
        ("{grounds} until {compliance_end_date}", "warning_notice", []),
        ("Dear {headteacher", "congratulations", [STRAY_BRACE.format(brace="{")]),
        ("Dear headteacher}", "congratulations", [STRAY_BRACE.format(brace="}")]),
        ("{{school_name}}", "congratulations", [DOUBLE_BRACES.format(typed="{{school_name}}", name="school_name")]),
        (
            "{{ request }} {{request}} {{request}}",
            "congratulations",
            [UNKNOWN_DOUBLE_BRACES.format(typed="{{ request }}"), UNKNOWN_DOUBLE_BRACES.format(typed="{{request}}")],
        ),
        ("{{grounds}}", "congratulations", [WARNING_NOTICE_ONLY.format(name="grounds")]),
        ("{{grounds}}", "warning_notice", [DOUBLE_BRACES.format(typed="{{grounds}}", name="grounds")]),
        (
            "{{{school_name}}}",
            "congratulations",
            [DOUBLE_BRACES.format(typed="{{{school_name}}}", name="school_name")],
        ),
        ("{school_name.__class__}", "congratulations", [UNKNOWN_PLACEHOLDER.format(name="school_name.__class__")]),
    ],
)
def test_a_text_is_checked_for_unknown_placeholders_and_stray_braces(text, kind, errors):
    assert check(text, kind) == errors


def test_list_placeholders_on_their_own_line_become_bullets_and_inline_become_a_sentence():
    text = "# Grounds\nThe authority is satisfied that:\n\n{grounds}\n\nIndicators: {indicators}\n\n- [Action 1]\n- Act"
    blocks = render_blocks(text, facts())
    assert [b.kind for b in blocks] == ["h", "p", "ul", "p", "ul"]
    assert blocks[0].lines == ["Grounds"]
    assert blocks[2].lines[0].startswith("(a) the standards of performance of pupils")
    assert blocks[2].lines[1].startswith("(c) the safety of pupils or staff")
    assert blocks[3].lines == ["Indicators: A drop in Ofsted rating."]
    assert blocks[4].lines == ["[Action 1]", "Act"]


def test_compliance_dates_and_the_powers_window_are_filled_in():
    filled = placeholders.fill_inline("{compliance_end_date}|{compliance_period}|{powers_deadline}|{date}", facts())
    assert filled == "29 January 2027|from 22 November 2026 to 29 January 2027|29 March 2027|22 November 2026"


def test_an_empty_list_placeholder_leaves_no_empty_list():
    assert render_blocks("Because:\n\n{indicators}\n\nEnd.", facts(indicators=[])) == [
        placeholders.Block("p", ["Because:"]),
        placeholders.Block("p", ["End."]),
    ]


def test_a_new_draft_has_the_schools_facts_written_in_and_the_rest_left_as_placeholders():
    text = "Dear {chair_of_governors}, {school_name} ({urn}) on {date}: {indicators} by {compliance_end_date}"
    assert placeholders.prefill(text, facts()) == (
        "Dear Grace Holt, Kingfisher Primary School (874001) on {date}: {indicators} by {compliance_end_date}"
    )


def test_text_in_braces_is_never_evaluated():
    assert placeholders.fill_inline("{school_name.__class__} {urn}", facts()) == "{school_name.__class__} 874001"


def test_a_fact_written_into_a_new_draft_is_written_as_it_is_and_never_becomes_a_placeholder():
    text = "Dear {chair_of_governors} of {school_name}, on {date}"
    hostile = facts(school_name="Acme {date} {x} Academy", chair_of_governors="Grace } Holt")

    drafted = placeholders.prefill(text, hostile)
    assert drafted == "Dear Grace } Holt of Acme {date} {x} Academy, on {date}"
    assert check(drafted, "congratulations", data=hostile.written_in()) == []
    filled = placeholders.fill_inline(drafted, hostile)
    assert filled == "Dear Grace } Holt of Acme {date} {x} Academy, on 22 November 2026"


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [("{{ x }}", "“{{ x }}” is not a placeholder"), ("{{ school_name }}", "Write “{{ school_name }}” with one pair")],
)
def test_a_name_in_two_pairs_of_braces_is_quoted_as_it_was_typed(typed, quoted):
    assert check(f"Dear {typed},", "congratulations")[0].startswith(quoted)


def test_the_powers_are_every_power_available_unless_the_powers_proposed_are_given():
    assert len(facts().value("powers")) == 4
    assert facts(powers=["s65"]).value("powers") == [
        "Provide for the governing body to consist of interim executive members (s65)"
    ]


@pytest.mark.django_db
def test_a_school_with_no_chair_typed_in_is_written_to_by_the_chair_seats_holder(school, governor):
    """GIAS names no chair: before anyone types the school's "Chair of governors", the governor
    holding its chair seat is the chair a letter greets, not "Dear the Chair of Governors"."""
    school.chair_of_governors = ""
    school.save()
    letter_type = LetterType.objects.get(code="congratulations")
    assert Facts.for_school(school, letter_type).chair_of_governors == "Grace Holt"
    school.chair_of_governors = "Mrs Ann Lee"
    school.save()
    assert Facts.for_school(school, letter_type).chair_of_governors == "Mrs Ann Lee"  # what the LA typed wins
