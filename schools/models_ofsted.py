"""Ofsted inspections of the register's schools, under either framework (the graded judgements
and the report card), with their grades and categories of concern. schools.models imports these
so that Django registers the model and every caller goes on importing them from there."""

from django.db import models

from .models import School


class OfstedFramework(models.TextChoices):
    GRADED = "graded", "Graded inspection (grades 1 to 4)"
    UNGRADED = "ungraded", "Ungraded inspection"
    REPORT_CARD = "report_card", "Report card (from November 2025)"


class OfstedGrade(models.IntegerChoices):
    OUTSTANDING = 1, "Outstanding"
    GOOD = 2, "Good"
    REQUIRES_IMPROVEMENT = 3, "Requires improvement"
    INADEQUATE = 4, "Inadequate"


class ReportCardGrade(models.IntegerChoices):
    """Ofsted's five-point report-card scale, numbered so that a larger number means more concern,
    as on the legacy scale. The two scales are not comparable."""

    EXCEPTIONAL = 1, "Exceptional"
    STRONG = 2, "Strong standard"
    EXPECTED = 3, "Expected standard"
    NEEDS_ATTENTION = 4, "Needs attention"
    URGENT_IMPROVEMENT = 5, "Urgent improvement"


class CategoryOfConcern(models.TextChoices):
    NONE = "", "None"
    SPECIAL_MEASURES = "SM", "Special measures"
    SERIOUS_WEAKNESSES = "SWK", "Serious weaknesses"
    SIGNIFICANT_IMPROVEMENT = "RSI", "Requires significant improvement"


# The graded judgements and report-card areas, in the order Ofsted lists them.
GRADED_JUDGEMENTS = [
    ("overall_effectiveness", "Overall effectiveness"),
    ("quality_of_education", "Quality of education"),
    ("behaviour_and_attitudes", "Behaviour and attitudes"),
    ("personal_development", "Personal development"),
    ("leadership_and_management", "Leadership and management"),
    ("early_years", "Early years provision"),
    ("sixth_form", "Sixth form provision"),
]
REPORT_CARD_AREAS = [
    ("rc_inclusion", "Inclusion"),
    ("rc_curriculum_and_teaching", "Curriculum and teaching"),
    ("rc_achievement", "Achievement"),
    ("rc_attendance_and_behaviour", "Attendance and behaviour"),
    ("rc_personal_development", "Personal development and wellbeing"),
    ("rc_leadership_and_governance", "Leadership and governance"),
    ("rc_early_years", "Early years"),
    ("rc_post_16", "Post-16 provision"),
]


def _grade_field(label, choices):
    return models.PositiveSmallIntegerField(label, choices=choices, null=True, blank=True)


class OfstedInspection(models.Model):
    """One inspection of a school, under either framework (both are kept; they are not comparable)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspections")
    inspection_number = models.CharField(max_length=20, unique=True)
    framework = models.CharField(max_length=12, choices=OfstedFramework.choices)
    inspection_type = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    publication_date = models.DateField(null=True, blank=True)
    category_of_concern = models.CharField(max_length=3, choices=CategoryOfConcern.choices, blank=True, default="")
    outcome = models.CharField(max_length=200, blank=True, help_text="Ungraded inspection outcome, as Ofsted words it")

    overall_effectiveness = _grade_field("overall effectiveness", OfstedGrade.choices)
    quality_of_education = _grade_field("quality of education", OfstedGrade.choices)
    behaviour_and_attitudes = _grade_field("behaviour and attitudes", OfstedGrade.choices)
    personal_development = _grade_field("personal development", OfstedGrade.choices)
    leadership_and_management = _grade_field("leadership and management", OfstedGrade.choices)
    early_years = _grade_field("early years provision", OfstedGrade.choices)
    sixth_form = _grade_field("sixth form provision", OfstedGrade.choices)
    safeguarding_effective = models.BooleanField("safeguarding is effective", null=True, blank=True)

    rc_inclusion = _grade_field("inclusion", ReportCardGrade.choices)
    rc_curriculum_and_teaching = _grade_field("curriculum and teaching", ReportCardGrade.choices)
    rc_achievement = _grade_field("achievement", ReportCardGrade.choices)
    rc_attendance_and_behaviour = _grade_field("attendance and behaviour", ReportCardGrade.choices)
    rc_personal_development = _grade_field("personal development and wellbeing", ReportCardGrade.choices)
    rc_leadership_and_governance = _grade_field("leadership and governance", ReportCardGrade.choices)
    rc_early_years = _grade_field("early years", ReportCardGrade.choices)
    rc_post_16 = _grade_field("post-16 provision", ReportCardGrade.choices)
    safeguarding_met = models.BooleanField("safeguarding standards met", null=True, blank=True)

    class Meta:
        ordering = ["school", "-start_date"]
        indexes = [models.Index(fields=["school", "-start_date"])]

    def __str__(self):
        return f"{self.school.name}: {self.get_framework_display()} {self.start_date:%d/%m/%Y}"

    @property
    def is_report_card(self) -> bool:
        return self.framework == OfstedFramework.REPORT_CARD

    def judgements(self) -> list[tuple[str, str]]:
        """(label, grade label) for each judgement this inspection made, in Ofsted's order."""
        fields = REPORT_CARD_AREAS if self.is_report_card else GRADED_JUDGEMENTS
        return [(label, getattr(self, f"get_{name}_display")()) for name, label in fields if getattr(self, name)]

    @property
    def safeguarding_label(self) -> str:
        value = self.safeguarding_met if self.is_report_card else self.safeguarding_effective
        if value is None:
            return ""
        if self.is_report_card:
            return "Met" if value else "Not met"
        return "Effective" if value else "Not effective"

    @property
    def headline(self) -> str:
        """A one-line summary: overall grade, or the report card's weakest area."""
        if self.category_of_concern:
            return self.get_category_of_concern_display()
        if self.framework == OfstedFramework.UNGRADED:
            return self.outcome or "Ungraded inspection"
        if not self.is_report_card:
            return self.get_overall_effectiveness_display() if self.overall_effectiveness else "Not graded overall"
        grades = [getattr(self, name) for name, _ in REPORT_CARD_AREAS if getattr(self, name)]
        if not grades:
            return "Report card"
        return f"Report card (lowest area: {ReportCardGrade(max(grades)).label.lower()})"
