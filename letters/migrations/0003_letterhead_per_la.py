"""The letterhead and signatory move from each letter type's template to one letterhead per local
authority (schools.Letterhead, ADR 0005). Each LA code in use (LOCAL_AUTHORITY_CODES and the codes
of the schools on the register) gets a letterhead with the values the templates had, so documents
look as they did: the first letterhead line (placeholders filled in) is the council's name, the
other lines the directorate; the signatory's lines become the signatory's title. The warning
notice's template is the source (the statutory letter); if an LA had given the types different
letterheads, the others' lines are not kept."""

from django.conf import settings
from django.db import migrations, models

SOURCE_ORDER = ["warning_notice", "significant_concerns_top", "significant_concerns", "congratulations"]


def _filled(text: str) -> list[str]:
    lines = [line.strip().replace("{council_name}", settings.COUNCIL_NAME) for line in text.splitlines()]
    return [line for line in lines if line]


def forwards(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    Letterhead = apps.get_model("schools", "Letterhead")
    School = apps.get_model("schools", "School")
    templates = {t.letter_type.code: t for t in LetterTemplate.objects.select_related("letter_type")}
    source = next((templates[code] for code in SOURCE_ORDER if code in templates), None)
    if source is None:
        return
    head = _filled(source.letterhead) or [settings.COUNCIL_NAME]
    codes = set(settings.LOCAL_AUTHORITY_CODES) | set(School.objects.values_list("la_code", flat=True).distinct())
    for code in sorted(c for c in codes if c):
        Letterhead.objects.get_or_create(
            la_code=code,
            defaults={
                "council_name": head[0][:150],
                "directorate": "\n".join(head[1:]),
                "signatory_title": "\n".join(_filled(source.signatory)),
            },
        )


def backwards(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    Letterhead = apps.get_model("schools", "Letterhead")
    letterhead = Letterhead.objects.order_by("la_code").first()
    if letterhead is None:
        return
    lines = [letterhead.council_name, *letterhead.directorate.splitlines(), *letterhead.address.splitlines()]
    signatory = [letterhead.signatory_name, *letterhead.signatory_title.splitlines()]
    LetterTemplate.objects.update(
        letterhead="\n".join(line for line in lines if line.strip()),
        signatory="\n".join(line for line in signatory if line.strip()),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0002_letter_types_indicators_templates"),
        ("schools", "0006_letterheads"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        # A default first, so that the removal can be reversed on a database with templates.
        *[
            migrations.AlterField(model_name=model, name=name, field=models.TextField(default=""))
            for model in ("historicallettertemplate", "lettertemplate")
            for name in ("letterhead", "signatory")
        ],
        migrations.RemoveField(model_name="historicallettertemplate", name="letterhead"),
        migrations.RemoveField(model_name="historicallettertemplate", name="signatory"),
        migrations.RemoveField(model_name="lettertemplate", name="letterhead"),
        migrations.RemoveField(model_name="lettertemplate", name="signatory"),
    ]
