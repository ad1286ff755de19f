"""Sign-in, sign-out, own password, and the admin's user management pages."""

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy

from core.forms import add_service_errors, posted
from core.pagination import paginate

from . import exports, own_passwords, rules, selectors, services, user_page
from .forms import OwnPasswordChangeForm, PasswordResetByAdminForm, SignInForm, UserCreateForm, UserUpdateForm
from .password_link_views import saved_or_refused
from .roles import Role
from .sso.views import SignOutView

User = get_user_model()

# After an admin asks for a role only an officer may give (docs/adr/0012).
WAITING_FOR_AN_OFFICER = "Waiting for an officer to approve: {request}. Until then the account keeps the role it has."
SUSPENDED_NOW = (
    "Waiting for an officer to approve: {request}, and reactivate the account. Until then it cannot sign in."
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"title": "Sign in"}


login_view = login_not_required(LoginView.as_view())
logout_view = SignOutView.as_view()  # at the identity provider too, after a single sign-on


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")
    extra_context = {"title": "Change your password"}

    def form_valid(self, form):
        if refused := saved_or_refused(self, form):
            return refused
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


password_change_view = PasswordChangeView.as_view()
password_change_done_view = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html", extra_context={"title": "Password changed"}
)


@permission_required("accounts.manage_users", raise_exception=True)
def user_list(request):
    search, role, users = exports.filtered_users(params=request.GET)
    pagination = paginate(request, users)
    return render(
        request,
        "accounts/user_list.html",
        {"pagination": pagination, "q": search, "role": role, "roles": Role.choices, "title": "Users"},
    )


@permission_required("accounts.manage_users", raise_exception=True)
def user_create(request):
    form = UserCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            waiting = selectors.pending_role_request(user=user)
            if waiting:
                messages.success(request, f"Created {user.username}. " + WAITING_FOR_AN_OFFICER.format(request=waiting))
            else:
                messages.success(request, f"Created {user.username} ({user.role_label}).")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "Create a user"})


@permission_required("accounts.manage_users", raise_exception=True)
def user_detail(request, pk: int):
    user = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)
    form = UserUpdateForm(
        posted(request),
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role.value if user.role else "",
            "is_active": user.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=user, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            waiting = selectors.pending_role_request(user=user)
            if waiting and waiting.reactivate:
                messages.success(request, f"Saved {user.username}. " + SUSPENDED_NOW.format(request=waiting))
            elif waiting:
                messages.success(request, f"Saved {user.username}. " + WAITING_FOR_AN_OFFICER.format(request=waiting))
            else:
                messages.success(request, f"Saved {user.username}.")
            return redirect("accounts:user_detail", pk=user.pk)
    history = selectors.user_recent_changes(user=user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "form": form,
            "sections": user_page.sections_for(request, user),
            "history": history,
            "title": f"User {user.username}",
        },
    )


@permission_required("accounts.manage_users", raise_exception=True)
def user_password(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = PasswordResetByAdminForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            waiting = services.user_set_password(user=user, password=form.cleaned_data["password"], actor=request.user)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, f"Set a new password for {user.username}.")
            if waiting is not None:
                messages.warning(request, services.SUSPENDED.format(user=user))
            return redirect(reverse("accounts:user_detail", kwargs={"pk": user.pk}))
    return render(
        request,
        "accounts/user_password.html",
        {"subject": user, "form": form, "suspends": _suspends(request, user), "title": f"Set password: {user}"},
    )


def _suspends(request, user) -> bool:
    """Whether this person resetting the user's credentials suspends the account (docs/adr/0061)."""
    return rules.a_case_readers_credentials_reset_by_an_admin_wait_for_an_officer(
        actor=request.user, user=user, sits_for_a_school=own_passwords.sits_for_a_school(user)
    )
