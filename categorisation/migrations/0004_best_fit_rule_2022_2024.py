"""The best-fit rule's data (ADR 0002) for the frameworks already in the database.

School Improvement Strategy 2022-2024:
- decisive statements: LM-H1 (safeguarding statutory responsibilities not met), LM-H4 (a warning
  notice or significant concerns letter issued), LM-H5 (judged inadequate / a category of concern)
  for high support; LM-M4 (currently requires improvement, or at risk of it) for medium support;
- tick counts per area: two statements at medium support or above make an area (and the school)
  at least medium support; three high-support statements make leadership and management or quality
  of education high support, two make behaviour and attitudes or personal development high support.

Any other framework keeps what the old rule gave it: its high-support safeguarding statements are
decisive (the old rule made them high support whatever else was ticked), and an area's count for a
level is the number of its statements at that level (the old rule never put the suggestion below
a level fully ticked in an area).

Stored suggestions are not rewritten: an approved categorisation's `suggested_level` is the record
of what was suggested when it was approved; a draft's is recomputed when it is next saved."""

from django.db import migrations

STRATEGY = "School Improvement Strategy 2022-2024"
DECISIVE = ["LM-H1", "LM-H4", "LM-H5", "LM-M4"]
# area code -> (medium count, high count)
COUNTS = {"leadership": (2, 3), "quality": (2, 3), "behaviour": (2, 2), "personal": (2, 2)}


def forward(apps, schema_editor):
    Area = apps.get_model("categorisation", "Area")
    Criterion = apps.get_model("categorisation", "Criterion")

    strategy = Criterion.objects.filter(area__framework__name=STRATEGY)
    strategy.filter(code__in=DECISIVE).update(decisive=True)
    for code, (medium, high) in COUNTS.items():
        Area.objects.filter(framework__name=STRATEGY, code=code).update(medium_count=medium, high_count=high)

    others = Criterion.objects.exclude(area__framework__name=STRATEGY)
    others.filter(is_safeguarding=True, level="high").update(decisive=True)
    for area in Area.objects.exclude(framework__name=STRATEGY):
        levels = list(area.criteria.values_list("level", flat=True))
        area.medium_count = levels.count("medium") or None
        area.high_count = levels.count("high") or None
        area.save(update_fields=["medium_count", "high_count"])


class Migration(migrations.Migration):
    dependencies = [("categorisation", "0003_best_fit_rule_fields")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
