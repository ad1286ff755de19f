"""Every email address field says what is wrong in GOV.UK's words (core.forms.EMAIL_INVALID), not
Django's "Enter a valid email address.", which does not say what valid is."""

import pytest
from django import forms

from accounts.forms import UserCreateForm, UserUpdateForm
from core.forms import EMAIL_INVALID
from schools.forms import CouncillorForm
from tests.core.test_text_limits import FORM_CLASSES

EMAIL_FORMS = [UserCreateForm, UserUpdateForm, CouncillorForm]


def test_the_forms_tested_here_are_every_form_with_an_email_address():
    with_email = {c for c in FORM_CLASSES if any(isinstance(f, forms.EmailField) for f in c.base_fields.values())}
    assert with_email == set(EMAIL_FORMS)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", EMAIL_FORMS, ids=lambda c: c.__qualname__)
@pytest.mark.parametrize("address", ["bad@", "name.example.gov.uk", "name@@example.gov.uk"])
def test_an_email_address_in_the_wrong_format_gets_the_gov_uk_message(form_class, address):
    form = form_class(data={"email": address})
    assert not form.is_valid()
    assert form.errors["email"] == [EMAIL_INVALID]
