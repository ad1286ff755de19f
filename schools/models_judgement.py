"""Each school's latest graded or report-card inspection, stored (issue 11): the judgement the
schools list sorts and filters by, the outcomes table and the officer's home count. Kept by
schools.latest_judgement in the transaction of every write to a school's inspections."""

from django.db import models

from .models import School
from .models_ofsted import CategoryOfConcern, OfstedFramework, OfstedGrade, OfstedInspection


class LatestJudgement(models.Model):
    """A school's latest graded or report-card inspection (an ungraded one leaves the last grade
    standing): a copy of the fields the lists read, kept equal to latest_judgement.compute."""

    school = models.OneToOneField(School, primary_key=True, on_delete=models.CASCADE, related_name="latest_judgement")
    inspection = models.OneToOneField(OfstedInspection, on_delete=models.CASCADE, related_name="+")
    framework = models.CharField(max_length=12, choices=OfstedFramework.choices)
    start_date = models.DateField()
    overall_effectiveness = models.PositiveSmallIntegerField(choices=OfstedGrade.choices, null=True, blank=True)
    category_of_concern = models.CharField(max_length=3, choices=CategoryOfConcern.choices, blank=True, default="")

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["start_date"], name="latest_judgement_date"),
            models.Index(fields=["framework", "overall_effectiveness"], name="latest_judgement_grade"),
        ]

    def __str__(self):
        return f"{self.school_id}: {self.framework} {self.start_date}"
