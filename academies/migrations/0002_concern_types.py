"""The strategy's concern types ("Where the LA has concerns about an Academy"), word for word, as
data: the LA may reword or retire them afterwards (codes are stable)."""

from django.db import migrations

CONCERN_TYPES = [
    ("declining_performance", "declining trend in pupil performance"),
    ("high_absence", "high absence or persistent absence"),
    ("high_exclusions", "high exclusions"),
    (
        "disadvantaged_underperformance",
        "persistent underperformance of disadvantaged groups, e.g. those eligible for Pupil Premium or with SEN",
    ),
    ("reluctance_to_admit", "continued reluctance to admit, or provide for, disadvantaged groups"),
    ("behaviour_safety", "behaviour and/or safety"),
    ("leadership_breakdown", "evidence of a breakdown in leadership or management"),
    ("refusal_to_engage", "refusal to engage with the LA through ongoing processes"),
    ("inadequate_progress", "inadequate progress towards becoming a good school"),
    ("ofsted_drop", "a drop in Ofsted rating"),
]


def load(apps, schema_editor):
    ConcernType = apps.get_model("academies", "ConcernType")
    for order, (code, text) in enumerate(CONCERN_TYPES, start=1):
        ConcernType.objects.update_or_create(code=code, defaults={"text": text, "order": order})


class Migration(migrations.Migration):
    dependencies = [("academies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
