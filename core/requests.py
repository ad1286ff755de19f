"""The request of a signed-in user, for typed views: LoginRequiredMiddleware turns away everyone
else from every view not marked login_not_required, so `request.user` there is a User."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: "User"
