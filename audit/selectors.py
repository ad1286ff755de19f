"""Reads of the access log, role requests and the read log, newest first, in a fixed number of
queries whatever their length (users, content types and requests joined, never fetched per row)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from accounts.models import AccessEvent, AccessEventKind, RoleRequest, RoleRequestStatus, User

from .models import ReadEvent

# How a record was read, by the page's URL name (apps that call record_read add theirs here:
# tests/audit/test_read_log_labels.py finds every view that records a read and fails until it has one).
HOW_READ = {
    "categorisation:detail": "Categorisation page",
    "categorisation:edit": "Categorisation form",
    "categorisation:return": "Categorisation page",
    "categorisation:approve": "Categorisation page",
    "categorisation:moderation_sheet": "Moderation sheet",
    "categorisation:moderation_export": "Moderation sheet, CSV or XLSX",
    "visits:detail": "Visit page",
    "visits:record": "Visit record form",
    "visits:note": "Note of visit",
    "visits:note_pdf": "Note of visit, PDF",
    "visits:shared_note": "Note of visit shared with the school",
    "visits:shared_note_pdf": "Note of visit shared with the school, PDF",
    "visits:pre_visit": "Pre-visit section",
    "visits:msp_meeting": "MSP meeting page",
    "visits:msp_meeting_record": "MSP meeting form",
    "visits:msp_meeting_new": "MSP meeting form",  # its form page; it records nothing until the meeting exists
    "visits:msp_attended_meeting": "Minutes of an MSP meeting attended",
    "letters:detail": "Letter page (draft)",
    "letters:edit": "Letter form (draft)",
    "letters:draft_pdf": "Draft letter, PDF",
    "letters:plan": "Action plan page",
    "letters:plan_file": "Action plan file",
    "exchange:download": "Document download",
    "academies:detail": "Academy concern page",
    "academies:intelligence": "Restricted intelligence entry",
    "academies:meeting_pack": "Academies meeting pack",
    "academies:meeting_pack_pdf": "Academies meeting pack, PDF",
    "academies:meeting_pack_xlsx": "Academies meeting pack, XLSX",
    "dashboard:timeline": "Case file",
    "dashboard:timeline_pdf": "Case file, PDF",
    "dashboard:pack_download": "Reporting pack download",
}

# The kinds of record whose pages link to their read log ({% who_has_read %}, which refuses any other).
READ_LOG_LINKED = frozenset(
    {
        "academies.concern",
        "academies.intelligenceentry",
        "categorisation.categorisation",
        "letters.letter",
        "visits.mspmeeting",
        "visits.visit",
    }
)

# What kind of record, where the model's own name reads badly.
KIND_NAMES = {"visits.mspmeeting": "MSP meeting"}


def how_read(view: str) -> str:
    return HOW_READ.get(view, view)


def kind_name(content_type: ContentType) -> str:
    key = f"{content_type.app_label}.{content_type.model}"
    if key in KIND_NAMES:
        return KIND_NAMES[key]
    model = content_type.model_class()
    return str(capfirst(model._meta.verbose_name)) if model else key


def read_log(*, user: User | None = None) -> QuerySet[ReadEvent]:
    reads = ReadEvent.objects.select_related("user", "content_type").order_by("-at", "-id")
    if user is not None:
        reads = reads.filter(user=user)
    return reads


def reads_of(*, content_type: ContentType, object_id: int) -> QuerySet[ReadEvent]:
    return (
        ReadEvent.objects.filter(content_type=content_type, object_id=object_id)
        .select_related("user")
        .order_by("-at", "-id")
    )


def access_log(*, user: User | None = None, kind: str = "") -> QuerySet[AccessEvent]:
    """Access events, newest first; with `user`, those about them or made by them."""
    events = AccessEvent.objects.select_related("user", "actor", "request").order_by("-at", "-id")
    if user is not None:
        events = events.filter(Q(user=user) | Q(actor=user))
    if kind:
        events = events.filter(kind=kind)
    return events


# How far back the role requests page shows who else changed the person's sign-in.
SIGN_IN_CHANGES_SHOWN_FOR = timedelta(days=30)
SIGN_IN_CHANGES = (AccessEventKind.EMAIL_CHANGED, AccessEventKind.PASSWORD_SET, AccessEventKind.SECOND_FACTOR_RESET)


def pending_role_requests() -> QuerySet[RoleRequest]:
    """The requests waiting, oldest first, each person's sign-in changes by someone else in the last
    30 days as `user.sign_in_changes` (docs/adr/0082): an address an admin changed while the account
    had no case material suspended nothing, and the link to choose a password goes to it."""
    changes = (
        AccessEvent.objects.filter(kind__in=SIGN_IN_CHANGES, at__gte=timezone.now() - SIGN_IN_CHANGES_SHOWN_FOR)
        .exclude(actor_id=F("user_id"))
        .select_related("actor")
        .order_by("at", "id")
    )
    return (
        RoleRequest.objects.filter(status=RoleRequestStatus.PENDING)
        .select_related("requested_by", "school")
        .prefetch_related(
            "user__groups",
            "user__headships",  # "Schools they lead", for an officer to end one
            Prefetch("user__access_events", queryset=changes, to_attr="sign_in_changes"),
        )
        .order_by("requested_at", "id")
    )


def decided_role_requests() -> QuerySet[RoleRequest]:
    return (
        RoleRequest.objects.exclude(status=RoleRequestStatus.PENDING)
        .select_related("user", "requested_by", "decided_by")
        .order_by("-decided_at", "-id")
    )


def users_for_filter() -> QuerySet[User]:
    return User.objects.order_by("first_name", "last_name", "username").only(
        "id", "username", "first_name", "last_name"
    )
