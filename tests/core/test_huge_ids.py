"""An id no database key can hold (twenty digits, either sign, or just past 64 bits) or one that is
no whole number ("1e5"), sent in a form's or a filter's choice of records, gets the form's own
refusal ("Select a valid choice"; for "1e5" in a choice of several, "“1e5” is not a valid value."),
never a server error. SQLite cannot take a number past 64 bits into a query: a choice of several
(`pk__in`) was an OverflowError, a 500, where PostgreSQL answers with the form's error. (Django
already guards a choice of one, `pk=`: those pages and the lists' filters are checked here too.)
Every field that chooses records is one of core.model_choices' (a test below keeps the plain Django
and django-filter ones out)."""

import ast
import importlib
import os
from pathlib import Path

import django_filters
import django_filters.fields
import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from academies.models import ConcernSource, ConcernType, Rag
from core.forms import FilterSet
from core.model_choices import (
    ModelChoiceField,
    ModelChoiceFilter,
    ModelMultipleChoiceField,
    ModelMultipleChoiceFilter,
    holds_no_key,
)
from letters.models import Letter
from schools.models import School
from tests.academies.conftest import academy  # noqa: F401 (a fixture)
from tests.core.test_text_limits import FORM_CLASSES, _project_classes
from tests.visits.conftest import date_fields
from tests.visits.factories import MspGroupFactory

pytestmark = pytest.mark.django_db

HUGE, NEGATIVE_HUGE, NOT_WHOLE = "99999999999999999999", "-99999999999999999999", "1e5"
JUST_PAST_64_BITS = str(2**63)
ODD_IDS = pytest.mark.parametrize("odd", [HUGE, NEGATIVE_HUGE, NOT_WHOLE, JUST_PAST_64_BITS])


def refused(form, field: str) -> bool:
    """Whether the form refuses the field's value with Django's own words for a choice it does not
    offer: "Select a valid choice" (invalid_choice), or for a value that is no key at all,
    "“1e5” is not a valid value." (invalid_pk_value)."""
    codes = {error.code for error in form.errors.as_data().get(field, [])}
    return bool(codes & {"invalid_choice", "invalid_pk_value"})


@pytest.fixture
def signed_in():
    """A client for the user given, as in production: DEBUG off, a server error answered with the
    500 page (status 500), not raised into the test."""

    def sign_in(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    with override_settings(DEBUG=False):
        yield sign_in


# ---- filters of the lists (GET) ---------------------------------------------------------------


@ODD_IDS
@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("officer", "/schools/?link_adviser={}"),
        ("officer", "/schools/export.csv?link_adviser={}"),
        ("officer", "/categorisation/?link_adviser={}"),
        ("officer", "/categorisation/review-due/?link_adviser={}"),
        ("adviser", "/visits/?adviser={}"),
        ("adviser", "/visits/actions/?link_adviser={}"),
        ("officer", "/audit/reads/?user={}"),
        ("officer", "/audit/access/?user={}"),
    ],
)
def test_a_list_filtered_by_an_id_no_key_can_hold_is_answered_not_an_error(signed_in, request, role, url, odd):
    response = signed_in(request.getfixturevalue(role)).get(url.format(odd))
    assert response.status_code == 200


@ODD_IDS
def test_the_visits_list_says_the_adviser_chosen_is_not_one_of_the_choices(signed_in, adviser, odd):
    response = signed_in(adviser).get(f"/visits/?adviser={odd}")
    assert response.status_code == 200
    assert refused(response.context["form"], "adviser")


# ---- forms (POST) -----------------------------------------------------------------------------


def concern(officer, **changes) -> dict:
    return {
        "source": ConcernSource.LA_MONITORING,
        "raised_on_0": "10", "raised_on_1": "11", "raised_on_2": "2026",
        "concern_types": [ConcernType.objects.first().pk],
        "description": "Persistent absence at 30%.",
        "rag": Rag.AMBER,
        "owner": officer.pk,
        **changes,
    }  # fmt: skip


@ODD_IDS
@pytest.mark.parametrize(("field", "many"), [("concern_types", True), ("owner", False)])
def test_a_concern_naming_an_id_no_key_can_hold_gets_the_forms_error(signed_in, officer, academy, field, many, odd):  # noqa: F811
    url = reverse("academies:new") + f"?school={academy.urn}"
    response = signed_in(officer).post(url, concern(officer, **{field: [odd] if many else odd}))
    assert response.status_code == 200
    assert refused(response.context["form"], field)


@ODD_IDS
def test_a_letter_naming_an_indicator_no_key_can_hold_gets_the_forms_error(signed_in, adviser, school, odd):
    school.link_adviser = adviser
    school.save()
    url = reverse("letters:new", kwargs={"urn": school.urn, "code": "warning_notice"})
    data = {"subject": "Warning notice", "body": "To the governing body", "indicators": [odd], "save": ""}
    response = signed_in(adviser).post(url, data)
    assert response.status_code == 200
    assert refused(response.context["form"], "indicators")


@ODD_IDS
def test_a_meeting_naming_an_attendee_no_key_can_hold_gets_the_forms_error(
    signed_in, school, officer, headteacher, odd
):
    group = MspGroupFactory(school=school, chair=officer)
    data = {
        **date_fields("held_on", group.set_up_on),
        "minutes": "Recorded minutes",
        "support_refocused": "no",
        "recommendation": "continue",
        "school_attendees": [str(headteacher.pk), odd],
    }
    response = signed_in(officer).post(reverse("visits:msp_meeting_new", kwargs={"pk": group.pk}), data)
    assert response.status_code == 200
    assert refused(response.context["form"], "school_attendees")


@ODD_IDS
def test_a_schools_link_adviser_no_key_can_hold_gets_the_forms_error(signed_in, officer, school, odd):
    response = signed_in(officer).post(reverse("schools:edit", kwargs={"urn": school.urn}), {"link_adviser": odd})
    assert response.status_code == 200
    assert refused(response.context["form"], "link_adviser")


# ---- the fields (core.model_choices) ----------------------------------------------------------


def test_a_key_is_held_up_to_the_ends_of_its_columns_range_and_no_further(officer):
    users = get_user_model().objects.all()
    low, high = connection.ops.integer_field_range(users.model._meta.pk.get_internal_type())
    assert [holds_no_key(users, str(key)) for key in (low - 1, low, high, high + 1)] == [True, False, False, True]
    assert holds_no_key(users, high + 1)  # as a number, not text


@pytest.mark.parametrize("value", [NOT_WHOLE, "", "abc", None, True])
def test_a_value_that_is_no_whole_number_is_left_to_the_query(value):
    assert not holds_no_key(get_user_model().objects.all(), value)


def test_a_key_that_is_not_a_number_is_left_to_the_query(school):
    assert not holds_no_key(School.objects.all(), HUGE, to_field_name="name")
    assert not holds_no_key(School.objects.all(), school)  # a record, not a key


def test_a_key_chosen_by_another_field_is_held_to_that_fields_range():
    """A school is chosen by its URN, a positive number: "-1" is no URN on either database."""
    assert holds_no_key(School.objects.all(), "-1", to_field_name="urn")
    assert not holds_no_key(School.objects.all(), "874001", to_field_name="urn")


def test_a_choice_of_one_refuses_a_key_no_column_holds_with_the_fields_own_message(school):
    field = ModelChoiceField(
        queryset=School.objects.all(), to_field_name="urn", error_messages={"invalid_choice": "Choose an open school"}
    )
    with pytest.raises(ValidationError) as error:
        field.clean(HUGE)
    assert error.value.messages == ["Choose an open school"]
    assert field.clean(str(school.urn)) == school


def test_a_choice_of_several_refuses_a_key_no_column_holds_and_names_it(officer, adviser):
    field = ModelMultipleChoiceField(queryset=get_user_model().objects.all())
    with pytest.raises(ValidationError) as error:
        field.clean([str(officer.pk), NEGATIVE_HUGE])
    assert error.value.messages == [f"Select a valid choice. {NEGATIVE_HUGE} is not one of the available choices."]
    assert set(field.clean([str(officer.pk), str(adviser.pk)])) == {officer, adviser}


class LettersFilter(FilterSet):
    """A FilterSet whose filters django-filter makes from the model's links."""

    class Meta:
        model = Letter
        fields = ["school", "indicators", "approved_by"]


def test_a_filtersets_filters_for_a_models_links_are_those_that_refuse_a_key_no_column_holds():
    filters = LettersFilter.base_filters
    assert type(filters["school"]) is ModelChoiceFilter
    assert type(filters["indicators"]) is ModelMultipleChoiceFilter


@pytest.mark.parametrize("name", ["school", "indicators", "approved_by"])
def test_a_filter_for_a_link_refuses_a_key_no_column_holds(name):
    letters = LettersFilter({name: HUGE}, queryset=Letter.objects.all())
    assert list(letters.qs) == []
    assert {error.code for error in letters.form.errors.as_data()[name]} == {"invalid_choice"}


def test_a_filter_for_a_link_that_may_be_empty_still_takes_its_null_choice(officer, school):
    from tests.letters.factories import draft

    drafted = draft(school, "congratulations", actor=officer)
    assert list(LettersFilter({"approved_by": "null"}, queryset=Letter.objects.all()).qs) == [drafted]


# ---- no plain Django or django-filter field chooses records -----------------------------------

ROOT = Path(settings.BASE_DIR)
PLAIN = {
    forms.ModelChoiceField: "core.model_choices.ModelChoiceField",
    forms.ModelMultipleChoiceField: "core.model_choices.ModelMultipleChoiceField",
    django_filters.fields.ModelChoiceField: "core.model_choices.ModelChoiceFilter",
    django_filters.fields.ModelMultipleChoiceField: "core.model_choices.ModelMultipleChoiceFilter",
    django_filters.ModelChoiceFilter: "core.model_choices.ModelChoiceFilter",
    django_filters.ModelMultipleChoiceFilter: "core.model_choices.ModelMultipleChoiceFilter",
}
SKIPPED = {".venv", "node_modules", "migrations", "tests", "bench"}


def _source_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED and not d.startswith(".")]
        for name in files:
            path = (Path(folder) / name).relative_to(ROOT)
            if name.endswith(".py") and path != Path("core/model_choices.py"):
                yield path


def _imported_names(tree: ast.Module) -> dict[str, str]:
    """Each name a module's imports bind, and the dotted path it stands for."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.name if alias.asname else alias.name.partition(".")[0]  # import a.b binds a
                names[alias.asname or bound] = bound
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _object(dotted: str):
    try:
        return importlib.import_module(dotted)
    except ImportError:
        module, _, attribute = dotted.rpartition(".")
        return getattr(_object(module), attribute, None) if module else None


def _named(expression: ast.expr, names: dict[str, str]):
    """The object `forms.ModelChoiceField` (or any dotted name) stands for in the module, if imported."""
    attributes = []
    while isinstance(expression, ast.Attribute):
        attributes.insert(0, expression.attr)
        expression = expression.value
    if not isinstance(expression, ast.Name) or expression.id not in names:
        return None
    return _object(".".join([names[expression.id], *attributes]))


def _plain_uses(source: str) -> list[tuple[int, str]]:
    """Where a module makes or subclasses one of the plain fields or filters that choose records."""
    tree = ast.parse(source)
    names = _imported_names(tree)
    found = []
    for node in ast.walk(tree):
        used = [node.func] if isinstance(node, ast.Call) else node.bases if isinstance(node, ast.ClassDef) else []
        found += [
            (node.lineno, PLAIN[obj])
            for obj in (_named(e, names) for e in used)
            if isinstance(obj, type) and obj in PLAIN
        ]
    return sorted(found)


def test_the_scan_finds_a_plain_field_or_filter_however_it_is_imported():
    source = """
import django_filters
from django import forms
from django.forms import ModelMultipleChoiceField as Several
from core.model_choices import ModelChoiceField

a = forms.ModelChoiceField(queryset=None)
b = Several(queryset=None)
class C(django_filters.ModelChoiceFilter): pass
d = ModelChoiceField(queryset=None)
e = isinstance(a, forms.ModelChoiceField)
"""
    assert [line for line, _ in _plain_uses(source)] == [7, 8, 9]


def test_no_module_makes_a_plain_field_or_filter_that_chooses_records():
    found = [
        f"{path}:{line} (use {ours})"
        for path in _source_files()
        for line, ours in _plain_uses((ROOT / path).read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_forms_and_filtersets_fields_that_choose_records_refuse_a_key_no_column_holds():
    """The forms' own fields (a ModelForm's made from its model's links too) and the FilterSets'
    filters (those made from `Meta.fields` too), as the classes hold them."""
    fields = [(c, name, field) for c in FORM_CLASSES for name, field in c.base_fields.items()]
    assert any(isinstance(field, forms.ModelChoiceField) for _, _, field in fields)  # the walk sees them
    plain = [
        f"{c.__module__}.{c.__qualname__}.{name}"
        for c, name, field in fields
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, ModelChoiceField)
    ] + [
        f"{c.__module__}.{c.__qualname__}.{name}"
        for c in _project_classes(django_filters.FilterSet)
        for name, made in c.base_filters.items()
        if isinstance(made, (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter))
        and not issubclass(made.field_class, ModelChoiceField)
    ]
    assert plain == []
