"""Choosing one's own password through the emailed link, and an admin sending a new link
(accounts.own_passwords, docs/adr/0062)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from . import own_passwords
from .forms import ChoosePasswordForm
from .tokens import choose_password_tokens

User = get_user_model()
LINK_RESENT = "A new link to choose a password is being emailed to {email}."


def saved_or_refused(view, form):
    """Save one's own new password (accounts.own_passwords.password_set_by_its_owner, not Django's
    form_valid, whose save writes the whole row it read): None when saved, else the page again with
    the refusal."""
    try:
        form.save()
    except ValidationError as error:
        form.add_error(None, error)
        return view.form_invalid(form)
    return None


@method_decorator(login_not_required, name="dispatch")
class ChoosePasswordView(auth_views.PasswordResetConfirmView):
    """Django's password-reset confirmation: the token is checked, then moved out of the address
    (so it never reaches another site in a Referer) into the session."""

    template_name = "accounts/choose_password.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("accounts:choose_password_done")
    post_reset_login = False  # they sign in as usual, with their second factor
    reset_url_token = "choose"
    token_generator = choose_password_tokens
    extra_context = {"title": "Choose your password"}

    def form_valid(self, form):
        if refused := saved_or_refused(self, form):
            return refused
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


choose_password = ChoosePasswordView.as_view()
choose_password_done = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/choose_password_done.html", extra_context={"title": "Password chosen"}
    )
)


@permission_required("accounts.manage_users", raise_exception=True)
@require_POST
def password_link_send(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        event = own_passwords.password_link_send(user=user, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, LINK_RESENT.format(email=event.emailed_to))
    return redirect("accounts:user_detail", pk=user.pk)
