"""A page's copy of a record, checked when it is saved (optimistic locking): a person who opened
an edit page, and another who saved the same record since (or the same person in another tab),
must not have the later save quietly put back what the earlier one replaced.

The page carries the record's version, the id of its latest audit-history row (django-simple-
history writes one on every save), in a hidden field (VersionedForm). The service, holding the
record's row lock, refuses a save whose version is not the latest (refuse_if_changed_since). The
refused page keeps what the person typed and takes the new version, so saving again, once they
have looked, replaces the other change knowingly. Writes with no page behind them (commands,
tasks, other services) pass no version and are not checked."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from core.forms import TextLimits

CHANGED_SINCE = (
    "{who} saved a change to this {noun} at {when:%H:%M} on {when:%-d %B %Y}, after this page was opened. "
    "Nothing you typed has been saved yet: it is still below. Check it against the saved {noun} "
    "(open it in a new tab), then save again to replace that change."
)


class ChangedSince(ValidationError):
    """The record was saved by someone else (or in another tab) since the page was opened;
    `version` is the record's version now, for the page to take."""

    def __init__(self, message: str, *, version: str):
        super().__init__(message)
        self.version = version


def version_of(record) -> str:
    """The record's version: its latest audit-history row's id ("" when it has none)."""
    latest = record.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return "" if latest is None else str(latest)


def refuse_if_changed_since(record, version: str | None, *, noun: str, actor) -> None:
    """ChangedSince when `version` is given and is not the record's latest (call it holding the
    record's row lock, so no save comes between the check and the write)."""
    if version is None:
        return
    latest = record.history.order_by("-history_id").select_related("history_user").first()
    if latest is None or str(latest.history_id) == version:
        return
    user = latest.history_user
    who = (
        "You"
        if user is not None and user.pk == actor.pk
        else (user.get_full_name() or user.username if user else "Someone")
    )
    when = timezone.localtime(latest.history_date)
    raise ChangedSince(CHANGED_SINCE.format(who=who, noun=noun, when=when), version=str(latest.history_id))


class VersionedForm(TextLimits, forms.Form):
    """A form that carries the version of the record it edits (its template writes
    {{ form.version }} inside the <form>)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_version(self) -> str | None:
        # None, not checked, when the page sent none (a page opened before this field existed).
        return self.cleaned_data.get("version") or None

    def take_version(self, version: str) -> None:
        """After ChangedSince: the page now carries the record's latest version."""
        # A copy of the QueryDict, not a dict: its lists (ticked boxes, chosen indicators) must stay lists.
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("version")] = version
        self.data = data
