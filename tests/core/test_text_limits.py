"""Every free-text field has a length limit, said in GOV.UK words, on every form of the project and
on every save that comes through no form (core.limits, docs/adr/0011)."""

import copy
import importlib
import pkgutil

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from core.forms import FilterSet, TextLimits
from core.limits import (
    LETTERHEAD_PART,
    LONG_TEXT,
    ONE_LINE,
    SYSTEM_TEXT,
    TEXT_LIMITS,
    apply_text_limits,
    text_limit,
    too_long_message,
)
from core.single_line import PROJECT_APPS
from schools.models import School
from tests.visits.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def _project_modules():
    for app in sorted(PROJECT_APPS):
        try:
            package = importlib.import_module(app)
        except ModuleNotFoundError:
            continue
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            yield importlib.import_module(info.name)


def _subclasses(base):
    found, todo = set(), [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return found


def _project_classes(base) -> list[type]:
    list(_project_modules())  # import every module, so that every form class exists
    return sorted(
        (c for c in _subclasses(base) if c.__module__.split(".")[0] in PROJECT_APPS),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


FORM_CLASSES = _project_classes(forms.BaseForm)
# The FilterSets with a search box (a filter of choices only has no text to limit).
FILTERSET_CLASSES = [
    c
    for c in _project_classes(django_filters.FilterSet)
    if c is not FilterSet and any(isinstance(f, django_filters.CharFilter) for f in c.base_filters.values())
]


def test_the_walk_finds_the_forms_of_every_app():
    apps_with_forms = {c.__module__.split(".")[0] for c in FORM_CLASSES}
    assert {
        "academies",
        "accounts",
        "audit",
        "categorisation",
        "dashboard",
        "letters",
        "schools",
        "visits",
    } <= apps_with_forms
    assert len(FORM_CLASSES) > 30


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_of_the_project_gives_each_text_field_a_limit(form_class):
    assert issubclass(form_class, TextLimits), (
        f"{form_class.__qualname__} must inherit core.forms.TextLimits first, so its text fields have limits"
    )
    assert set(form_class.text_limits) <= set(form_class.base_fields), "text_limits names a field the form lacks"
    form = form_class.__new__(form_class)
    form.fields = copy.deepcopy(form_class.base_fields)
    apply_text_limits(form, form_class.text_limits, form_class.text_labels)
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField):
            assert field.max_length, name
            validators = [v for v in field.validators if isinstance(v, MaxLengthValidator)]
            assert [v.limit_value for v in validators] == [field.max_length], name
            assert field.error_messages["max_length"], name
            assert "? must" not in field.error_messages["max_length"], f"{name}: name it in text_labels"
            assert "(optional) must" not in field.error_messages["max_length"], name


@pytest.mark.parametrize("filterset_class", FILTERSET_CLASSES, ids=lambda c: c.__qualname__)
def test_every_filter_of_the_project_limits_its_search_box(filterset_class, rf):
    assert issubclass(filterset_class, FilterSet)
    queryset = None if filterset_class._meta.model else School.objects.all()
    filterset = filterset_class({"q": "x" * (ONE_LINE + 1)}, queryset, request=rf.get("/"))
    assert not filterset.form.is_valid()
    assert filterset.form.errors["q"] == [too_long_message(filterset.form.fields["q"].label, ONE_LINE)]


def test_every_text_field_of_every_model_has_a_limit_or_is_written_by_the_system():
    unlimited = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or hasattr(model, "instance_type"):
            continue
        for field in model._meta.concrete_fields:
            key = f"{model._meta.label}.{field.name}"
            text = isinstance(field, models.CharField | models.TextField) and field.name != "password"
            if text and not text_limit(model, field.name) and key not in SYSTEM_TEXT:
                unlimited.append(key)
    assert unlimited == []
    for key in [*TEXT_LIMITS, *SYSTEM_TEXT]:
        app_model, name = key.rsplit(".", 1)
        assert isinstance(apps.get_model(app_model)._meta.get_field(name), models.TextField), key


def test_the_message_names_the_field_as_the_page_does():
    assert too_long_message("Notes (optional)", 20_000) == "Notes must be 20,000 characters or fewer"
    assert too_long_message("other notes", LONG_TEXT) == "Other notes must be 20,000 characters or fewer"
    assert (
        too_long_message("How is it refocused?", 9)
        == "The answer to “How is it refocused?” must be 9 characters or fewer"
    )


def test_a_percent_sign_in_a_label_is_text_not_a_format():
    class Form(TextLimits, forms.Form):
        share = forms.CharField(label="Share of pupils (%)")

    form = Form({"share": "x" * (ONE_LINE + 1)})
    assert form.errors["share"] == ["Share of pupils (%) must be 200 characters or fewer"]


def test_a_form_keeps_its_own_message_for_a_limit_it_set():
    class Form(TextLimits, forms.Form):
        evidence = forms.CharField(max_length=5, error_messages={"max_length": "Evidence is too long"})

    assert Form({"evidence": "123456"}).errors["evidence"] == ["Evidence is too long"]


def test_a_textarea_gets_no_maxlength_attribute_that_would_cut_a_paste_short():
    class Form(TextLimits, forms.Form):
        notes = forms.CharField(widget=forms.Textarea)

    form = Form({"notes": "x"})
    form.is_valid()
    assert "maxlength" not in str(form["notes"])
    assert form.fields["notes"].max_length == LONG_TEXT


def test_a_one_line_input_gets_no_maxlength_attribute_either_and_its_limit_is_said_when_passed():
    class Form(TextLimits, forms.Form):
        reason = forms.CharField(label="Why is it withdrawn?", max_length=300)

    assert "maxlength" not in str(Form()["reason"])
    form = Form({"reason": "x" * 301})
    assert "maxlength" not in str(form["reason"])
    assert form.errors["reason"] == [too_long_message("Why is it withdrawn?", 300)]


# ---- through the pages -------------------------------------------------------------------------


def test_notes_of_a_visit_longer_than_the_limit_are_refused_with_the_gov_uk_message(client_as, school, adviser):
    from tests.visits.test_pages import record_data

    school.link_adviser = adviser
    school.save()
    visit = VisitFactory(school=school, adviser=adviser)
    url = reverse("visits:record", kwargs={"pk": visit.pk})
    response = client_as("adviser").post(url, record_data(visit.visit_date, notes="x" * (LONG_TEXT + 1)))
    assert response.status_code == 200
    assert "Other notes must be 20,000 characters or fewer" in response.content.decode()
    visit.refresh_from_db()
    assert visit.notes == ""

    response = client_as("adviser").post(url, record_data(visit.visit_date, notes="x" * LONG_TEXT))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert len(visit.notes) == LONG_TEXT


def test_a_letterhead_address_longer_than_its_limit_is_refused(client_as):
    from tests.schools.test_letterheads import edit_url, form_data

    response = client_as("officer").post(edit_url(), form_data(address="x" * (LETTERHEAD_PART + 1)))
    assert response.status_code == 200
    assert "Address and contact details must be 1,000 characters or fewer" in response.content.decode()


def test_a_search_longer_than_a_line_is_refused_on_the_schools_list(client_as):
    response = client_as("officer").get(reverse("schools:list"), {"q": "x" * (ONE_LINE + 1)})
    assert "Name, URN or postcode must be 200 characters or fewer" in response.content.decode()


def test_a_password_of_a_megabyte_is_refused_before_it_is_hashed(client, make_user):
    make_user(None, username="pat")
    response = client.post(reverse("accounts:login"), {"username": "pat", "password": "x" * 1_000_000})
    assert response.status_code == 200
    assert "Password must be 1,000 characters or fewer" in response.content.decode()


def test_a_cancel_reason_over_the_limit_is_refused(client_as, school, adviser):
    school.link_adviser = adviser
    school.save()
    visit = VisitFactory(school=school, adviser=adviser)
    response = client_as("adviser").post(
        reverse("visits:cancel", kwargs={"pk": visit.pk}), {"reason": "x" * (LONG_TEXT + 1)}
    )
    assert response.status_code == 200
    assert "The reason for cancelling must be 20,000 characters or fewer" in response.content.decode()


# ---- writes that come through no form ---------------------------------------------------------


def test_a_save_with_text_over_its_limit_is_refused_before_it_is_written(school, adviser):
    visit = VisitFactory(school=school, adviser=adviser)
    visit.notes = "x" * (LONG_TEXT + 1)
    with pytest.raises(ValidationError) as refused:
        visit.save()
    assert refused.value.message_dict == {"notes": ["Other notes must be 20,000 characters or fewer"]}
    assert Visit.objects.get(pk=visit.pk).notes == ""


def test_a_one_line_field_over_its_max_length_is_refused_even_where_the_database_would_keep_it(school):
    school.name = "x" * 256
    with pytest.raises(ValidationError) as refused:
        school.save()
    assert refused.value.message_dict == {"name": ["Name must be 255 characters or fewer"]}
