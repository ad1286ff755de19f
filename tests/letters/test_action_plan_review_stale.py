"""The LA's view of a plan is of the plan its page showed: a view recorded since in another tab (or
by someone else) refuses the later one, naming who recorded what, with what was typed shown to copy;
a plan the school sent again since refuses it by its version (core.versions), keeping the form."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from letters import action_plans
from letters.models_action_plans import PlanStatus
from visits.models import Action

from .conftest import PLAN_ROWS as TWO_ROWS

pytestmark = pytest.mark.django_db


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d*)"', page)[1]


def test_a_view_sent_from_a_tab_opened_before_another_view_was_recorded_is_refused_and_what_was_typed_is_shown(
    client, sent, officer, second_officer
):
    url = reverse("letters:plan", kwargs={"pk": sent.pk})
    client.force_login(officer)
    stale = _version(client.get(url).content.decode())
    action_plans.action_plan_review(plan=sent, actor=second_officer, view="accepted", version=stale)

    typed = {"view": "more_needed", "view_comments": "Add dates for governors", "internal_note": "Chase in March"}
    page = client.post(url, {**typed, "version": stale}).content.decode()

    assert "There is a problem" in page
    assert (
        f"{escape(second_officer.get_full_name())} recorded the local authority&#x27;s view of this plan (accepted)"
        in page
    )
    assert 'href="#not-saved"' in page
    assert 'id="not-saved"' in page
    assert "Add dates for governors" in page
    assert "Chase in March" in page
    assert "More needed" in page
    assert "Record the view" not in page  # nothing to send again: the plan is no longer waiting
    sent.refresh_from_db()
    assert sent.status == PlanStatus.ACCEPTED
    assert sent.view_comments == ""
    assert Action.objects.filter(action_plan=sent).count() == len(TWO_ROWS)  # accepted once


def test_a_view_of_a_plan_the_school_sent_again_since_the_page_was_opened_is_refused_with_the_form_kept(
    client, sent, officer, headteacher
):
    url = reverse("letters:plan", kwargs={"pk": sent.pk})
    client.force_login(officer)
    stale = _version(client.get(url).content.decode())
    action_plans.action_plan_submit(
        plan=sent,
        actor=headteacher,
        text="Our plan, with dates",
        items=[action_plans.PlanItem(d, o, day) for d, o, day in TWO_ROWS[:1]],
        today=date(2027, 1, 7),
    )

    page = client.post(url, {"view": "accepted", "view_comments": "Clear", "version": stale}).content.decode()

    assert "saved a change to this plan" in page
    assert "Record the view" in page
    assert "Clear</textarea>" in page
    assert _version(page) != stale  # saving again accepts the plan now shown, knowingly
    sent.refresh_from_db()
    assert sent.status == PlanStatus.SUBMITTED
    assert not Action.objects.filter(action_plan=sent).exists()

    client.post(url, {"view": "accepted", "view_comments": "Clear", "version": _version(page)})
    sent.refresh_from_db()
    assert sent.status == PlanStatus.ACCEPTED
