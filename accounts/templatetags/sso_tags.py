"""{% sso_sign_in %}: the "Sign in with ..." button on the sign-in page, when single sign-on is on."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("accounts/_sso_sign_in.html", takes_context=True)
def sso_sign_in(context):
    if not getattr(settings, "OIDC_ENABLED", False):
        return {"enabled": False}
    url = reverse("sso:authenticate")
    if context.get("next"):
        url += "?" + urlencode({"next": context["next"]})
    return {"enabled": True, "url": url, "provider_name": settings.OIDC_PROVIDER_NAME}
