"""Sign-ins stamp last_login with a queryset update, so they do not add a row to the audit history
(Django's own receiver saves the model, which django-simple-history would record). A GIAS import
that names a new headteacher ends the school's headships (accounts.headship_ends)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone

from schools.signals import headteachers_named

from . import headship_ends, sso


def stamp_last_login(sender, user, **kwargs):
    now = timezone.now()
    get_user_model().objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now


def connect():
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(stamp_last_login, dispatch_uid="accounts_stamp_last_login")
    user_logged_in.connect(sso.forget_sign_in_method, dispatch_uid="accounts_sso_forget_sign_in_method")
    headteachers_named.connect(headship_ends.on_new_headteachers, dispatch_uid="accounts_end_headships_of_new_heads")
