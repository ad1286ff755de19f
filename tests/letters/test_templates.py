"""Officers and admins edit each type's template and indicators; placeholders are checked on save."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from letters import services
from letters.models import Indicator, LetterTemplate
from letters.placeholders import UNKNOWN_PLACEHOLDER, WARNING_NOTICE_ONLY

from .factories import draft, issued

pytestmark = pytest.mark.django_db


def data(template, **changes):
    return {f: getattr(template, f) for f in ("subject", "body")} | changes


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_an_unknown_placeholder_is_an_error_on_the_template_form_and_nothing_is_saved(client_as, role):
    template = LetterTemplate.objects.get(letter_type__code="congratulations")
    url = reverse("letters:template_edit", kwargs={"code": "congratulations"})
    response = client_as(role).post(url, data(template, body="Dear {headmaster}", subject="{grounds}", save=""))
    form = response.context["form"]
    assert form.errors["body"] == [UNKNOWN_PLACEHOLDER.format(name="headmaster")]
    assert form.errors["subject"] == [WARNING_NOTICE_ONLY.format(name="grounds")]
    template.refresh_from_db()
    assert "{headmaster}" not in template.body


def test_a_saved_template_is_used_for_new_drafts_and_its_history_is_kept(client_as, admin_user, officer, school):
    template = LetterTemplate.objects.get(letter_type__code="congratulations")
    url = reverse("letters:template_edit", kwargs={"code": "congratulations"})
    client_as("admin").post(url, data(template, body="Well done, {school_name}!\n\n{indicators}", save=""))
    template.refresh_from_db()
    assert template.updated_by == admin_user
    assert template.history.first().history_user == admin_user
    assert draft(school, "congratulations", actor=officer).body.startswith(f"Well done, {school.name}!")


def test_the_template_preview_uses_a_sample_school_and_saves_nothing(client_as):
    template = LetterTemplate.objects.get(letter_type__code="warning_notice")
    response = client_as("admin").post(
        reverse("letters:template_edit", kwargs={"code": "warning_notice"}), data(template, preview="")
    )
    assert response.context["preview"].subject.endswith("Sample Primary School (URN 100000)")
    assert "Sample Primary School" in response.content.decode()


def test_indicators_are_added_reworded_and_retired_while_issued_letters_keep_their_words(client_as, officer, school):
    letter = issued(school, "significant_concerns", drafter=officer, officer=officer)
    indicator = letter.indicators.get()
    old_text = indicator.text
    client = client_as("officer")
    client.post(reverse("letters:indicator_edit", kwargs={"pk": indicator.pk}), {"text": "Reworded.", "is_active": ""})
    indicator.refresh_from_db()
    assert (indicator.text, indicator.is_active) == ("Reworded.", False)
    letter.refresh_from_db()
    assert letter.issued_content["indicators"] == [old_text]
    assert old_text in client.get(letter.get_absolute_url()).content.decode()
    client.post(reverse("letters:indicator_add", kwargs={"code": "significant_concerns"}), {"text": "Falling rolls."})
    added = Indicator.objects.get(text="Falling rolls.")
    assert (added.code, added.is_active) == ("falling-rolls", True)
    assert added.history.first().history_user == officer


def test_a_retired_indicator_is_not_offered_on_new_letters_but_stays_on_a_draft_that_has_it(officer, school):
    letter = draft(school, "significant_concerns", actor=officer)
    ticked = letter.indicators.get()
    services.indicator_update(indicator=ticked, text=ticked.text, is_active=False, actor=officer)
    from letters.forms import LetterForm

    assert ticked not in LetterForm(letter_type=letter.letter_type).fields["indicators"].queryset
    assert ticked in LetterForm(letter_type=letter.letter_type, letter=letter).fields["indicators"].queryset


@pytest.mark.parametrize(
    "body",
    [
        "{% load static %}{% debug %}",
        "Dear {{ request.user.password }}",
        "{school_name|upper}",
        "{school_name.__class__.__mro__}",
        "{school_name:>10}",
        "{ }",
        "{% include 'base.html' %}",
    ],
)
def test_template_code_in_a_template_is_refused_when_saved_and_never_run(client_as, body):
    template = LetterTemplate.objects.get(letter_type__code="congratulations")
    url = reverse("letters:template_edit", kwargs={"code": "congratulations"})
    response = client_as("officer").post(url, data(template, body=body, save=""))
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    template.refresh_from_db()
    assert template.body != body


def test_markup_in_a_template_is_shown_as_text_in_the_preview_and_the_letter(client_as, officer, school):
    template = LetterTemplate.objects.get(letter_type__code="congratulations")
    url = reverse("letters:template_edit", kwargs={"code": "congratulations"})
    client = client_as("officer")
    body = "<script>alert('x')</script> well done {school_name}\n\n{indicators}"
    preview = client.post(url, data(template, body=body, preview="")).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; well done Sample Primary School" in preview
    client.post(url, data(template, body=body, save=""))
    letter = issued(school, "congratulations", drafter=officer, officer=officer)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert f"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; well done {school.name}" in page


def test_an_indicator_the_list_already_has_is_not_added_again_whatever_its_spacing_and_capitals(client_as, officer):
    """One list names each indicator once; the second add (a second click, a second officer) is told."""
    from letters.models import LetterType
    from letters.services_templates import INDICATOR_ALREADY_LISTED

    client = client_as("officer")
    url = reverse("letters:indicator_add", kwargs={"code": "significant_concerns"})
    client.post(url, {"text": "Falling rolls."}, follow=True)  # its "Added" read
    response = client.post(url, {"text": "  falling   ROLLS. "}, follow=True)
    told = INDICATOR_ALREADY_LISTED.format(
        letter_type=LetterType.objects.get(code="significant_concerns").name, text="Falling rolls."
    )
    assert [str(m) for m in response.context["messages"]] == [told]
    assert Indicator.objects.filter(text__iexact="falling rolls.").count() == 1


def test_an_indicator_retired_is_made_active_again_rather_than_added_twice(officer):
    from letters.models import LetterType
    from letters.services_templates import INDICATOR_ALREADY_RETIRED

    letter_type = LetterType.objects.get(code="significant_concerns")
    retired = services.indicator_add(letter_type=letter_type, text="Falling rolls.", actor=officer)
    services.indicator_update(indicator=retired, text=retired.text, is_active=False, actor=officer)
    with pytest.raises(ValidationError) as refused:
        services.indicator_add(letter_type=letter_type, text="Falling rolls.", actor=officer)
    assert refused.value.message_dict == {
        "text": [INDICATOR_ALREADY_RETIRED.format(letter_type=letter_type.name, text="Falling rolls.")]
    }
    services.indicator_update(indicator=retired, text="Falling rolls.", is_active=True, actor=officer)
    assert Indicator.objects.get(pk=retired.pk).is_active


def test_an_indicator_reworded_to_another_ones_words_is_an_error_on_its_form(client_as, officer):
    from letters.models import LetterType
    from letters.services_templates import INDICATOR_ALREADY_LISTED

    letter_type = LetterType.objects.get(code="significant_concerns")
    first = services.indicator_add(letter_type=letter_type, text="Falling rolls.", actor=officer)
    second = services.indicator_add(letter_type=letter_type, text="Rising exclusions.", actor=officer)
    response = client_as("officer").post(
        reverse("letters:indicator_edit", kwargs={"pk": second.pk}), {"text": "falling rolls.", "is_active": "on"}
    )
    assert response.context["form"].errors["text"] == [
        INDICATOR_ALREADY_LISTED.format(letter_type=letter_type.name, text=first.text)
    ]
    assert Indicator.objects.get(pk=second.pk).text == "Rising exclusions."
