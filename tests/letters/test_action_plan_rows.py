"""The headteacher's action plan page names every problem in one round (docs/adr/0072): the action
rows' own errors together with the plan's rules (an action due before the letter or more than two
years ahead, each on its row) and the plan's own (nothing written or uploaded, no actions); every
row error names its action, as the row's legend does; the plan's actions shown to revise are
"Action 1", "Action 2"; and at 20 rows the page says so instead of offering another row."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from core.forms import DATE_MISSING_PART, DATE_YEAR_FOUR_NUMBERS, DATE_YEAR_OUT_OF_RANGE, NOT_A_REAL_DATE
from letters import action_plans
from letters.forms_action_plans import MAX_ACTIONS_REACHED, PLAN_ROW_INCOMPLETE, PLAN_ROW_OWNER_INVALID
from letters.models_action_plans import PlanStatus
from visits.forms_actions import MAX_ACTION_ROWS

from .conftest import PLAN_ISSUED_ON
from .plan_files import PDF, upload

ISSUED_ON = PLAN_ISSUED_ON  # the letter's day, and today (the plan fixture, conftest)
LIMIT = "no later than 14 December 2028, 2 years from today: check the year"
BLANK = ("", "", "", "", "")


def _rows(*rows, prefix="actions"):
    """Rows as typed: (description, owner, day, month, year), every box a string."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for n, (description, owner, day, month, year) in enumerate(rows):
        data |= {f"{prefix}-{n}-description": description, f"{prefix}-{n}-owner": owner}
        data |= {f"{prefix}-{n}-due_on_0": day, f"{prefix}-{n}-due_on_1": month, f"{prefix}-{n}-due_on_2": year}
    return data


def _send(client, headteacher, plan, data):
    client.force_login(headteacher)
    response = client.post(reverse("letters:school_plan", kwargs={"pk": plan.pk}), {"send": "1", **data})
    assert response.status_code == 200
    return response


def _summary(page: str) -> list[tuple[str, str]]:
    """The error summary's (link, message) pairs."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', summary[0], re.S)


def _row_errors(response, row: int) -> list[str]:
    """The row's errors in the order of its fields, as the error summary lists them."""
    form = response.context["formset"].forms[row]
    return [error for name in [None, *form.fields] for error in form.errors.get(name or "__all__", [])]


def _legends(page: str) -> list[str]:
    return re.findall(r"<legend[^>]*>\s*(.*?)\s*</legend>", page, re.S)


def _due(number: int) -> str:
    return f"Due date of action {number}"


def _nothing_saved(plan) -> None:
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REQUESTED
    assert plan.submitted_on is None
    assert not plan.file
    assert not plan.items.exists()


def test_one_sending_names_every_problem_of_the_rows_and_the_plan_each_linked_to_its_box(client, plan, headteacher):
    """The tester's five rows, one before the letter, and nothing written or uploaded: one round."""
    rows = (
        ("Train every teacher in phonics", "school", "31", "2", "2027"),
        ("Adviser reviews reading", "la", "1", "1", "1900"),
        ("Governors visit lessons", "school", "1", "1", "2099"),
        ("Publish the reading plan", "school", "", "", ""),
        ("Audit the library", "", "1", "3", "2027"),
        ("Review attendance", "la", "1", "11", "2026"),
    )
    response = _send(client, headteacher, plan, {"text": "", **_rows(*rows)})
    before = action_plans.PLAN_ACTION_DUE_BEFORE_LETTER.format(label=_due(6), issued_on=ISSUED_ON)
    assert _summary(response.content.decode()) == [
        ("id_text", action_plans.PLAN_EMPTY),
        ("id_actions-0-due_on_0", NOT_A_REAL_DATE.format(label=_due(1))),
        ("id_actions-1-due_on_0", escape(DATE_YEAR_OUT_OF_RANGE.format(label=_due(2), first=2000, last=2100))),
        ("id_actions-2-due_on_0", f"{_due(3)} must be {LIMIT}"),
        ("id_actions-3-due_on_0", PLAN_ROW_INCOMPLETE.format(missing="due date", number=4)),
        ("id_actions-4-owner_1", PLAN_ROW_INCOMPLETE.format(missing="owner", number=5)),
        ("id_actions-5-due_on_0", before),
    ]
    _nothing_saved(plan)
    # What was typed is kept.
    assert response.context["form"]["text"].value() == ""
    assert response.context["formset"].forms[2]["description"].value() == "Governors visit lessons"


def test_an_action_in_a_mistyped_year_is_named_with_another_rows_missing_owner(client, plan, headteacher):
    rows = (("Governors visit lessons", "school", "1", "1", "2099"), ("Audit the library", "", "1", "3", "2027"))
    response = _send(client, headteacher, plan, {"text": "Our plan", **_rows(*rows)})
    assert _row_errors(response, 0) == [f"{_due(1)} must be {LIMIT}"]
    assert _row_errors(response, 1) == [PLAN_ROW_INCOMPLETE.format(missing="owner", number=2)]
    _nothing_saved(plan)


def test_a_row_with_a_date_that_is_not_real_also_names_what_else_it_lacks(client, plan, headteacher):
    response = _send(
        client, headteacher, plan, {"text": "Our plan", **_rows(("Audit the library", "", "31", "2", "2027"))}
    )
    assert _row_errors(response, 0) == [
        PLAN_ROW_INCOMPLETE.format(missing="owner", number=1),
        NOT_A_REAL_DATE.format(label=_due(1)),
    ]


def test_nothing_written_or_uploaded_is_named_with_the_rows_errors(client, plan, headteacher):
    response = _send(
        client, headteacher, plan, {"text": "  ", **_rows(("Audit the library", "school", "31", "2", "2027"))}
    )
    assert response.context["form"].errors["text"] == [action_plans.PLAN_EMPTY]
    assert _row_errors(response, 0) == [NOT_A_REAL_DATE.format(label=_due(1))]
    _nothing_saved(plan)


def test_a_file_already_sent_is_the_plans_content_when_revising(client, plan, headteacher):
    item = action_plans.PlanItem("Train every teacher in phonics", "school", date(2027, 2, 1))
    action_plans.action_plan_submit(plan=plan, actor=headteacher, text="", items=[item], upload=upload("p.pdf", PDF))
    response = _send(
        client, headteacher, plan, {"text": "", **_rows(("Audit the library", "school", "31", "2", "2027"))}
    )
    assert "text" not in response.context["form"].errors
    assert _row_errors(response, 0) == [NOT_A_REAL_DATE.format(label=_due(1))]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("Audit", "school", "31", "2", "2027"), NOT_A_REAL_DATE.format(label=_due(2))),
        (("Audit", "school", "1", "1", "1900"), DATE_YEAR_OUT_OF_RANGE.format(label=_due(2), first=2000, last=2100)),
        (("Audit", "school", "1", "", "2027"), DATE_MISSING_PART.format(label=_due(2), part="month")),
        (("Audit", "school", "1", "3", "27"), DATE_YEAR_FOUR_NUMBERS.format(label=_due(2), example=2027)),
        (("Audit", "school", "1", "1", "2099"), f"{_due(2)} must be {LIMIT}"),
        (("Audit", "la", "1", "12", "2026"), f"{_due(2)} must be the same as or after 14 December 2026"),
        (("", "school", "1", "3", "2027"), PLAN_ROW_INCOMPLETE.format(missing="description", number=2)),
        (("Audit", "", "1", "3", "2027"), PLAN_ROW_INCOMPLETE.format(missing="owner", number=2)),
        (("Audit", "nobody", "1", "3", "2027"), PLAN_ROW_OWNER_INVALID.format(number=2)),
        (("A" * 20_001, "school", "1", "3", "2027"), "Action 2 must be 20,000 characters or fewer"),
    ],
)
def test_every_row_error_names_its_action_as_the_rows_legend_does(client, plan, headteacher, typed, message):
    """Row 2 after a blank row 1: the action is named by its row, as its legend "Action 2" names it."""
    response = _send(client, headteacher, plan, {"text": "Our plan", **_rows(BLANK, typed)})
    page = response.content.decode()
    assert any(message in error for error in _row_errors(response, 1)), _row_errors(response, 1)
    assert any(escape(message) in text for _, text in _summary(page))
    assert "Action 2" in _legends(page)
    _nothing_saved(plan)


def test_the_plans_actions_shown_to_revise_are_action_1_and_action_2(client, plan, headteacher):
    items = [
        action_plans.PlanItem("Train every teacher in phonics", "school", date(2027, 2, 1)),
        action_plans.PlanItem("Adviser reviews reading", "la", date(2027, 3, 1)),
    ]
    action_plans.action_plan_submit(plan=plan, actor=headteacher, text="Our plan", items=items)
    client.force_login(headteacher)
    page = client.get(reverse("letters:school_plan", kwargs={"pk": plan.pk})).content.decode()
    assert [legend for legend in _legends(page) if "ction" in legend] == [
        "Action 1",
        "Action 2",
        "Action 3",
        "Action 4",
    ]
    assert "New action" not in page


def _at_most(client, headteacher, plan, rows: int, **extra):
    client.force_login(headteacher)
    data = {"text": "Our plan", **_rows(*[("Audit", "school", "1", "3", "2027")] * rows), **extra}
    return client.post(reverse("letters:school_plan", kwargs={"pk": plan.pk}), data)


def test_at_twenty_rows_the_page_says_a_plan_has_at_most_twenty_actions_instead_of_adding_a_row(
    client, plan, headteacher
):
    assert MAX_ACTION_ROWS == 20
    response = _at_most(client, headteacher, plan, MAX_ACTION_ROWS - 1, add_action="1")
    page = response.content.decode()
    assert len(response.context["formset"].forms) == MAX_ACTION_ROWS
    assert 'name="add_action"' not in page
    assert escape(MAX_ACTIONS_REACHED) in page
    response = _at_most(client, headteacher, plan, MAX_ACTION_ROWS - 2, add_action="1")
    assert 'name="add_action"' in response.content.decode()  # below the limit the button is there
    assert escape(MAX_ACTIONS_REACHED) not in response.content.decode()


def test_more_than_twenty_actions_are_refused_in_the_plans_words_and_nothing_saved(client, plan, headteacher):
    response = _at_most(client, headteacher, plan, 25, send="1")
    page = response.content.decode()
    assert "Please submit at most" not in page
    assert escape(MAX_ACTIONS_REACHED) in page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    _nothing_saved(plan)


def test_twenty_actions_are_sent(client, plan, headteacher):
    response = _at_most(client, headteacher, plan, MAX_ACTION_ROWS, send="1")
    assert response.status_code == 302
    assert plan.items.count() == MAX_ACTION_ROWS


# ---- the rules the page and the service share -----------------------------------------------------


def test_a_plan_has_its_content():
    rule = action_plans.a_plan_has_its_content
    assert rule(text="Our plan", has_file=False) == {}
    assert rule(text="", has_file=True) == {}
    assert rule(text=" \x00 ", has_file=False) == {"text": [action_plans.PLAN_EMPTY]}


def test_a_plans_actions_fall_due_after_its_letter_names_each_action_by_its_number_on_the_page():
    items = [
        action_plans.PlanItem("Audit", "school", date(2099, 1, 1)),
        action_plans.PlanItem("Review", "la", ISSUED_ON),
    ]
    rule = action_plans.a_plans_actions_fall_due_after_its_letter
    assert rule(items=items, issued_on=ISSUED_ON, today=ISSUED_ON) == {0: f"{_due(1)} must be {LIMIT}"}
    assert rule(items=items, issued_on=ISSUED_ON, today=ISSUED_ON, numbers=[3, 5]) == {0: f"{_due(3)} must be {LIMIT}"}


def test_the_service_names_every_problem_at_once_by_each_actions_number(plan, headteacher):
    from django.core.exceptions import ValidationError

    items = [
        action_plans.PlanItem("Audit", "school", date(2099, 1, 1)),
        action_plans.PlanItem("Review", "la", date(2026, 12, 1)),
    ]
    with pytest.raises(ValidationError) as refused:
        action_plans.action_plan_submit(plan=plan, actor=headteacher, text=" ", items=items)
    assert refused.value.message_dict == {
        "text": [action_plans.PLAN_EMPTY],
        "__all__": [
            f"{_due(1)} must be {LIMIT}",
            action_plans.PLAN_ACTION_DUE_BEFORE_LETTER.format(label=_due(2), issued_on=ISSUED_ON),
        ],
    }
    _nothing_saved(plan)
