"""The token of the emailed link to choose a password (accounts.own_passwords, docs/adr/0062).

Django's password-reset token, with two differences a review showed were needed here, where the
person who asks for a link (an admin) may not be the person it is for:
- the values hashed are separated, so an email address and a timestamp cannot trade digits
  (Django joins "...{timestamp}{email}": a link made for "7nia@..." also matched "nia@..." with a
  timestamp one digit longer);
- a timestamp in the future is refused, so no link escapes its expiry."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


class ChoosePasswordTokens(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.ChoosePasswordTokens"

    def _make_hash_value(self, user, timestamp: int) -> str:
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None).isoformat()
        email = getattr(user, user.get_email_field_name(), "") or ""
        return "\x1f".join([str(user.pk), user.password, login, str(timestamp), email])

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            made = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        now = self._num_seconds(self._now())
        return made <= now and now - made <= settings.PASSWORD_RESET_TIMEOUT


choose_password_tokens = ChoosePasswordTokens()
