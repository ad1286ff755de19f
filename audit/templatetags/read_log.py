"""{% load read_log %}{% who_has_read record %}: the "Who has read this" link on a confidential
page, for officers only (nothing for anyone else). No query: the URL is built from the model's
name and the record's id."""

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from audit.selectors import READ_LOG_LINKED

register = template.Library()


@register.inclusion_tag("audit/_who_has_read.html", takes_context=True)
def who_has_read(context, record):
    request = context.get("request")
    user = getattr(request, "user", None)
    if record is None or user is None or not user.has_perm("audit.view_read_log"):
        return {"url": ""}
    meta = record._meta
    if meta.label_lower not in READ_LOG_LINKED:  # the log's page shows such a record unread
        raise ImproperlyConfigured(f"{meta.label_lower} is not in audit.selectors.READ_LOG_LINKED")
    url = reverse(
        "audit:record_reads", kwargs={"app_label": meta.app_label, "model": meta.model_name, "object_id": record.pk}
    )
    return {"url": url}
