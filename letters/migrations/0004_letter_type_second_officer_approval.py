"""A setting per letter type: whether a second officer must approve it (issue 8). Off for
congratulations and significant concerns letters until the LA switches it on; on, and forced on
by letters.rules.SECOND_OFFICER_ALWAYS, for a warning notice and a top-tier letter."""

from django.db import migrations, models

HELP = (
    "The LA's setting for congratulations and significant concerns letters; a warning notice and a top-tier letter "
    "always need a second officer (letters.rules.second_officer_approval_required)"
)


def always_for_the_notice_and_the_top_tier(apps, schema_editor):
    """The stored setting says what the rule forces, so the page shows it ticked."""
    LetterType = apps.get_model("letters", "LetterType")
    LetterType.objects.filter(code__in=["warning_notice", "significant_concerns_top"]).update(
        second_officer_approval=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0003_letterhead_per_la"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicallettertype",
            name="second_officer_approval",
            field=models.BooleanField(default=False, help_text=HELP, verbose_name="a second officer must approve"),
        ),
        migrations.AddField(
            model_name="lettertype",
            name="second_officer_approval",
            field=models.BooleanField(default=False, help_text=HELP, verbose_name="a second officer must approve"),
        ),
        migrations.RunPython(always_for_the_notice_and_the_top_tier, migrations.RunPython.noop),
    ]
