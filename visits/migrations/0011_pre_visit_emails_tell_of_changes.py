"""Pre-visit emails tell the school a visit was cancelled or moved (docs/adr/0084): two kinds, and
one "moved" email per move. Going back keeps each person's newest "moved" email of a visit, so
that the one-per-kind constraint can be made again."""

from django.conf import settings
from django.db import migrations, models


def keep_the_newest_move_each(apps, schema_editor):
    email_model = apps.get_model("visits", "PreVisitEmail")
    newest = {}
    for pk, visit_id, recipient_id in (
        email_model.objects.filter(kind="moved").order_by("pk").values_list("pk", "visit_id", "recipient_id")
    ):
        newest[(visit_id, recipient_id)] = pk
    email_model.objects.filter(kind="moved").exclude(pk__in=newest.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0010_recount_msp_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="previsitemail",
            name="one_pre_visit_email_of_a_kind_per_recipient",
        ),
        migrations.RunPython(migrations.RunPython.noop, keep_the_newest_move_each),
        migrations.AlterField(
            model_name="previsitemail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("requested", "Asked to prepare the visit"),
                    ("reminder", "Reminder on the due date"),
                    ("cancelled", "Told the visit is cancelled"),
                    ("moved", "Told the visit has moved"),
                ],
                max_length=9,
            ),
        ),
        migrations.AddConstraint(
            model_name="previsitemail",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "moved"), _negated=True),
                fields=("visit", "kind", "recipient"),
                name="one_pre_visit_email_of_a_kind_per_recipient",
            ),
        ),
    ]
