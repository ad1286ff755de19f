from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.contrib.auth.password_validation import get_default_password_validators
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


# Passwords are compared exactly; usernames in any case (docs/adr/0064). The same words whether
# or not the username exists, so the page never tells whether an account does (accounts.lockout).
SIGN_IN_REFUSED = (
    "Enter a correct username and password. Your password must be typed exactly, capital letters included; "
    "your username can be typed in any case"
)


class SignInForm(TextLimits, AuthenticationForm):
    """Django's sign-in form, with the project's text limits: a password is hashed, and a megabyte of
    one would cost the server seconds. A try too soon after failures says how long to wait
    (accounts.lockout)."""

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": SIGN_IN_REFUSED}

    def get_invalid_login_error(self):
        from .lockout import slowed_message

        wait = getattr(self.request, "sign_in_wait", 0)
        if wait:
            return ValidationError(slowed_message(wait), code="slowed")
        return super().get_invalid_login_error()


# Changing one's password, and choosing one through the emailed link: GOV.UK words, not Django's.
CURRENT_PASSWORD_NEEDED = "Enter your current password"
CURRENT_PASSWORD_WRONG = "The password you entered is not your current password"
NEW_PASSWORD_NEEDED = "Enter a new password"
CONFIRMATION_NEEDED = "Confirm your new password"
PASSWORDS_DIFFER = "The passwords do not match"
SAME_AS_CURRENT = "Your new password must be different from your current password"
NEW_PASSWORD_HINT = (
    "Use at least {length} characters. Do not use a common password, only numbers, or something like your name, "
    "username or email address."
)


def new_password_hint() -> str:
    """NEW_PASSWORD_HINT with the length the validators in force ask for (AUTH_PASSWORD_VALIDATORS)."""
    lengths = [getattr(v, "min_length", 0) for v in get_default_password_validators()]
    return NEW_PASSWORD_HINT.format(length=max(lengths, default=0) or 1)


class NewPasswordFields:
    """A new password typed twice, in GOV.UK words. Django checks the confirmation against the
    password validators (SetPasswordForm.clean), so "too short" showed under it and the error
    summary linked there: the validators' problems are the new password's own, on its field; a
    mismatch stays on the confirmation. Every problem is named in one round."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        new, again = self.fields["new_password1"], self.fields["new_password2"]
        new.label, new.help_text = "New password", new_password_hint()
        new.error_messages["required"] = NEW_PASSWORD_NEEDED
        again.label, again.help_text = "Confirm new password", ""
        again.error_messages["required"] = CONFIRMATION_NEEDED
        self.error_messages = {**self.error_messages, "password_mismatch": PASSWORDS_DIFFER}

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data


class OwnPasswordChangeForm(TextLimits, NewPasswordFields, PasswordChangeForm):
    """Django's change-your-password form, with the project's text limits and words, saved through
    accounts.own_passwords (the row locked, the password only)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.fields["old_password"]
        current.label = "Current password"
        current.error_messages["required"] = CURRENT_PASSWORD_NEEDED
        self.error_messages = {**self.error_messages, "password_incorrect": CURRENT_PASSWORD_WRONG}

    def clean(self):
        cleaned = super().clean()
        # Compared with the current password as typed, and only once it was found right: checked
        # against the stored hash instead, the page would tell someone at an unlocked session
        # whether a guess was the password, without knowing it.
        current, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if current and new and new == current:
            self.add_error("new_password1", ValidationError(SAME_AS_CURRENT, code="password_unchanged"))
        return cleaned

    def save(self, commit=True):
        from .own_passwords import password_set_by_its_owner

        return password_set_by_its_owner(
            user=self.user, password=self.cleaned_data["new_password1"], reason=services.OWN_PASSWORD_REASON
        )


class ChoosePasswordForm(TextLimits, NewPasswordFields, SetPasswordForm):
    """Django's set-a-password form (the emailed link: accounts.own_passwords), with the project's
    text limits and words, saved through accounts.own_passwords (the row locked, the password only)."""

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
