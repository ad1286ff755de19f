"""Performance measures (the "See data" criteria, reference data the admin extends) and each
school's results against them by academic year, compared with the national value. schools.models
imports these so that Django registers the models and every caller goes on importing them from
there."""

from django.db import models

from .models import School, academic_year_label


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", "Per cent"
    SCORE = "score", "Score"
    RATE = "rate", "Rate per 100 pupils"
    POINTS = "points", "Percentage points"


class PerformanceMeasure(models.Model):
    """A measure of the "See data" criteria: reference data, extendable by the admin."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=MeasureUnit.choices)
    higher_is_better = models.BooleanField(default=True)
    phase = models.CharField(max_length=40, blank=True, help_text="Key stage or phase the measure applies to")
    is_attainment = models.BooleanField(
        default=False, help_text="Counts as attainment for the categorisation data statements"
    )
    is_attendance = models.BooleanField(default=False, help_text="Counts as attendance for the data statements")
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name


class PerformanceResult(models.Model):
    """A school's value of a measure in an academic year, with the national comparator."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="performance")
    measure = models.ForeignKey(PerformanceMeasure, on_delete=models.PROTECT, related_name="results")
    academic_year = models.PositiveSmallIntegerField(help_text="Year the academic year starts: 2024 is 2024/25")
    value = models.DecimalField(max_digits=8, decimal_places=2)
    national_value = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["school", "measure__display_order", "academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "measure", "academic_year"], name="unique_performance_result")
        ]

    def __str__(self):
        return f"{self.school.urn} {self.measure.code} {self.academic_year_label}: {self.value}"

    @property
    def academic_year_label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def difference(self):
        return None if self.national_value is None else self.value - self.national_value

    @property
    def compared_to_national(self) -> str:
        """above / in line / below national, from the pupils' point of view (lower absence is better)."""
        if self.national_value is None:
            return ""
        diff = self.value - self.national_value
        if diff == 0:
            return "in line"
        better = (diff > 0) == self.measure.higher_is_better
        return "better" if better else "worse"

    @property
    def compared_to_national_words(self) -> str:
        """The comparison as a phrase a screen reader says after the value: "better than national",
        "worse than national", "in line with national" (never "in line than national")."""
        return COMPARED_TO_NATIONAL_WORDS.get(self.compared_to_national, "")


COMPARED_TO_NATIONAL_WORDS = {
    "better": "better than national",
    "worse": "worse than national",
    "in line": "in line with national",
}
