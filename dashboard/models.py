"""The daily digest's records (dashboard.digest, docs/adr/0025): each person's choice of how often,
and each digest sent, so a rerun on the same day sends nothing twice."""

from django.conf import settings
from django.db import models

from schools.models import Governance, OfstedFramework


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Every working day"
    WEEKLY = "weekly", "Mondays only"
    NONE = "none", "Never: I will look at the reminders page"


class DigestPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.DAILY)

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class DigestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to send"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Digest(models.Model):
    """One person's digest for one day: what it listed and whether it went."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    items = models.JSONField(default=list, help_text="The reminders sent: topic, text, url, due_on, overdue")
    status = models.CharField(max_length=8, choices=DigestStatus.choices, default=DigestStatus.WAITING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]
        ordering = ["-day", "-id"]

    def __str__(self):
        return f"Digest for {self.user} on {self.day}"


# ---- reporting packs (dashboard.packs, docs/adr/0030) -------------------------------------------


class PackAudience(models.TextChoices):
    """The meetings the council reports to (seeds 000 and 004): one pack per meeting, dated."""

    CABINET = "cabinet", "Cabinet and scrutiny"
    CLINIC = "clinic", "Education Performance Clinic"
    BOARD = "board", "School Improvement Board"


class PackStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be prepared"


def pack_path(instance, filename):
    return f"packs/{instance.pk}/{filename}"


class ReportingPack(models.Model):
    """A dated pack of the dashboard's figures for one meeting, built once by a task worker and kept:
    its PDF and XLSX are downloaded again exactly as produced (their SHA-256 is recorded and checked
    on every download). `snapshot` keeps each school's support level and concern stage on the day,
    so the next pack for the same meeting and LA reports the movement since this one."""

    audience = models.CharField(max_length=8, choices=PackAudience.choices)
    la_code = models.CharField("LA code", max_length=3, blank=True, help_text="Blank: every LA of the service")
    as_of = models.DateField("figures as at")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=PackStatus.choices, default=PackStatus.PENDING)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The pack compared with"
    )
    snapshot = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to=pack_path, blank=True, max_length=200)
    xlsx = models.FileField(upload_to=pack_path, blank=True, max_length=200)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["audience", "la_code", "status", "as_of"])]

    def __str__(self):
        return f"{self.get_audience_display()} pack, {self.as_of:%-d %B %Y}"

    @property
    def scope_label(self) -> str:
        return f"LA {self.la_code}" if self.la_code else "Every LA"


class OutcomePhase(models.TextChoices):
    """The phases the outcomes table reports (docs/adr/0029): GIAS phases grouped as Ofsted's
    official statistics group them."""

    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL = "all", "All schools"


class NationalOutcome(models.Model):
    """England's figure for one academic year and phase, entered by an admin from Ofsted's official
    statistics: the share of schools, and of pupils, in schools judged good or outstanding."""

    year = models.PositiveSmallIntegerField(
        "academic year", help_text="The year the academic year starts: 2025 for 2025/26"
    )
    phase = models.CharField(max_length=10, choices=OutcomePhase.choices)
    share_of_schools = models.DecimalField("share of schools good or better (%)", max_digits=4, decimal_places=1)
    share_of_pupils = models.DecimalField(
        "share of pupils in good or better schools (%)", max_digits=4, decimal_places=1
    )
    source = models.CharField(max_length=200, blank=True, help_text="Where the figure comes from")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "phase"], name="one_national_outcome_a_year_and_phase")]
        ordering = ["-year", "phase"]
        default_permissions = ()

    def __str__(self):
        return f"{self.year_label} {self.get_phase_display()}: {self.share_of_schools}% of schools"

    @property
    def year_label(self) -> str:
        from schools.models import academic_year_label

        return academic_year_label(self.year)


# ---- support levels over the last six terms, stored (dashboard.stored_levels, docs/adr/0045) ------


class StoredLevelPath(models.Model):
    """One school's support level at the end of each of the last six terms' assessment days (history.
    last_terms, assess_day), kept so that the dashboard counts and lists them from one row per school
    instead of looking up every school's latest approval six times. Valid while `days` names the days
    asked for and no categorisation of the school has been written since (`stale`)."""

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, primary_key=True, related_name="stored_level_path"
    )
    days = models.CharField(max_length=80, help_text="The days the levels are for, oldest first (ISO, comma-separated)")
    stale = models.BooleanField(default=False)
    # Level codes (categorisation.SupportLevel), "" where the school had no category that day.
    level_0 = models.CharField(max_length=6, blank=True)
    level_1 = models.CharField(max_length=6, blank=True)
    level_2 = models.CharField(max_length=6, blank=True)
    level_3 = models.CharField(max_length=6, blank=True)
    level_4 = models.CharField(max_length=6, blank=True)
    level_5 = models.CharField(max_length=6, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.school_id}: {self.days}"


class StoredOfstedSummary(models.Model):
    """Stored counts of open schools by their latest judgement (dashboard.stored_ofsted, docs/adr/0049
    and 0052), one row per summary: row 1, the officer's home page (how many of each governance, by
    framework and overall grade, in `counts`); row 2, the outcomes table's (StoredOutcomeCount's
    rows). A row's counts are valid while `stale` is false: every write they depend on marks both
    rows stale in the writer's transaction, and the next page to read a row counts again."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    stale = models.BooleanField(default=True)
    counts = models.JSONField(default=list, help_text="[governance, framework or null, grade or null, schools], …")

    class Meta:
        default_permissions = ()

    def __str__(self):
        return ("Ofsted summary" if self.pk == 1 else "Outcome counts") + (" (stale)" if self.stale else "")


class StoredOutcomeCount(models.Model):
    """The outcomes table's counts (dashboard.outcomes, docs/adr/0052): the open LA-maintained schools
    and academies of each LA code and GIAS phase, by governance and their latest judgement's framework
    and overall grade, with their pupils (number on roll). Valid while StoredOfstedSummary's row 2 is
    not stale; counted again as a whole under that row's lock."""

    governance = models.CharField(max_length=12, choices=Governance.choices)
    la_code = models.CharField(max_length=3)
    phase = models.CharField(max_length=60, blank=True)
    framework = models.CharField(max_length=12, choices=OfstedFramework.choices, null=True, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    schools = models.PositiveIntegerField()
    pupils = models.PositiveBigIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.la_code} {self.phase} {self.governance} {self.framework} {self.grade}: {self.schools}"
