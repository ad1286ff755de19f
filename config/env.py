"""The environment read strictly (django-environ underneath): a setting given a value the service
cannot read refuses to start, naming the variable (manage.py prints it; gunicorn stops). django-
environ reads any word but a "true" one as false, so SESSION_COOKIE_SECURE=ture turned secure cookies
off without a word, and EMAIL_PORT=58 7 stopped the start with a traceback.

An empty value is a setting not given: its default ("SESSION_COOKIE_SECURE=" in a copied .env
keeps secure cookies on)."""

import os

import environ
from django.core.exceptions import ImproperlyConfigured

NOT_A_BOOLEAN = "{var}={value!r} is neither true nor false: write true or false."
NOT_A_WHOLE_NUMBER = "{var}={value!r} is not a whole number."
NOT_A_NUMBER = "{var}={value!r} is not a number."
NOT_GIVEN = "Set the {var} environment variable."
FALSE_STRINGS = ("false", "off", "no", "n", "0")


class Env(environ.Env):
    def _given(self, var: str, default) -> str | None:
        """The variable's value, spaces around it dropped; None when it is unset or empty (its default
        is then taken; with no default, it must be given)."""
        value = os.environ.get(var, "").strip()
        if not value and default is environ.Env.NOTSET:
            raise ImproperlyConfigured(NOT_GIVEN.format(var=var))
        return value or None

    def bool(self, var, default=environ.Env.NOTSET):
        value = self._given(var, default)
        if value is None:
            return default
        if value.lower() not in (*self.BOOLEAN_TRUE_STRINGS, *FALSE_STRINGS):
            raise ImproperlyConfigured(NOT_A_BOOLEAN.format(var=var, value=os.environ[var]))
        return value.lower() in self.BOOLEAN_TRUE_STRINGS

    def int(self, var, default=environ.Env.NOTSET):
        value = self._given(var, default)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise ImproperlyConfigured(NOT_A_WHOLE_NUMBER.format(var=var, value=os.environ[var])) from None

    def float(self, var, default=environ.Env.NOTSET):
        value = self._given(var, default)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            raise ImproperlyConfigured(NOT_A_NUMBER.format(var=var, value=os.environ[var])) from None
