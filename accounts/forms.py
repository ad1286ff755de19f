from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError

from core.forms import TextLimits, form_helper

from . import rules, services
from .models import User
from .roles import ROLE_HINTS, Role
from .rules import ROLES_NEEDING_AN_OFFICER
from .services import user_create_problems

# Giving either of these opens case material: an officer approves it (accounts.rules, ADR 0012).
NEEDS_AN_OFFICER_HINT = " An officer must approve it."
ROLE_CHOICES = [
    Choice(
        role.value,
        role.label,
        hint=ROLE_HINTS[role].split(": ", 1)[1] + (NEEDS_AN_OFFICER_HINT if role in ROLES_NEEDING_AN_OFFICER else ""),
    )
    for role in Role
]


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ROLE_CHOICES, label="Role", widget=forms.RadioSelect, **kwargs)


class UserCreateForm(TextLimits, forms.Form):
    username = forms.CharField(max_length=150, help_text="What they type to sign in")
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address", required=False)
    role = RoleField()
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput(render_value=False),
        help_text=(
            "For a governor or admin: at least 10 characters. Give it to the user securely; they can change it after "
            "signing in. Leave it blank for a headteacher, adviser or officer: they are emailed a link to choose "
            "their own when they are given the role."
        ),
        strip=False,
        required=False,  # a case reader's comes by a link (accounts.own_passwords); else user_create_problems
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("username", field_width=20),
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("email", field_width=30),
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("password", field_width=20),
            Button("save", "Create user"),
        )

    def clean(self):
        """With another field wrong, the service is not asked: say now what it would refuse too
        (a taken username, a weak password), so every error shows at once."""
        cleaned = super().clean()
        username, password = cleaned.get("username"), cleaned.get("password")
        if not password and rules.case_access(cleaned.get("role")) == 0:
            self.add_error("password", services.PASSWORD_NEEDED)
        if self.errors and username:  # else the view asks the service
            # The details the password must not resemble (UserAttributeSimilarityValidator).
            details = {name: cleaned.get(name) or "" for name in ("first_name", "last_name", "email")}
            user = User(username=username.strip(), **details)
            problems = user_create_problems(user=user, password=password or "", role=cleaned.get("role"))
            for field, messages in problems.items():
                if field not in self.errors:  # an address in the wrong format is said once
                    self.add_error(field, messages)
        return cleaned


class UserUpdateForm(TextLimits, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address", required=False)
    role = RoleField()
    is_active = forms.BooleanField(
        label="Account is active", required=False, help_text="Inactive users cannot sign in; their history is kept."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("email", field_width=30),
            Field.radios("role", legend_size=Size.SMALL),
            Field.checkbox("is_active"),
            Button("save", "Save"),
        )


class PasswordResetByAdminForm(TextLimits, forms.Form):
    password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.text("password", field_width=20), Button("save", "Set password"))


class SignInForm(TextLimits, AuthenticationForm):
    """Django's sign-in form, with the project's text limits: a password is hashed, and a megabyte of
    one would cost the server seconds. A try too soon after failures says how long to wait
    (accounts.lockout)."""

    def get_invalid_login_error(self):
        from .lockout import slowed_message

        wait = getattr(self.request, "sign_in_wait", 0)
        if wait:
            return ValidationError(slowed_message(wait), code="slowed")
        return super().get_invalid_login_error()


class OwnPasswordChangeForm(TextLimits, PasswordChangeForm):
    """Django's change-your-password form, with the project's text limits, saved through
    accounts.own_passwords (the row locked, the password only)."""

    def save(self, commit=True):
        from .own_passwords import password_set_by_its_owner

        return password_set_by_its_owner(
            user=self.user, password=self.cleaned_data["new_password1"], reason=services.OWN_PASSWORD_REASON
        )


class ChoosePasswordForm(TextLimits, SetPasswordForm):
    """Django's set-a-password form (the emailed link: accounts.own_passwords), with the project's
    text limits, saved through accounts.own_passwords (the row locked, the password only)."""

    def save(self, commit=True):
        from .own_passwords import password_chosen_through_the_link

        return password_chosen_through_the_link(user=self.user, password=self.cleaned_data["new_password1"])


class HeadshipForm(TextLimits, forms.Form):
    """A headteacher's school, chosen with the school picker on the user page (docs/adr/0023); the
    school travels as its URN in a hidden field."""

    urn = forms.IntegerField(
        label="School URN",
        min_value=100000,
        max_value=999999,
        error_messages={
            "required": "Choose the school",
            "invalid": "Enter the URN as a 6-digit number",
            "min_value": "Enter the URN as a 6-digit number",
            "max_value": "Enter the URN as a 6-digit number",
        },
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("urn"), Button("add", "Ask an officer to add the school"))

    def clean_urn(self):
        from schools.forms import NO_SUCH_SCHOOL
        from schools.models import School

        urn = self.cleaned_data["urn"]
        self.school = School.objects.filter(urn=urn).first()
        if self.school is None:
            raise forms.ValidationError(NO_SUCH_SCHOOL.format(urn=urn))
        return urn
