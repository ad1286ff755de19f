"""An import's errors are rows (ImportRowError), all of them up to MAX_STORED_ERRORS, so that the
page lists and the admin downloads every one, instead of the first 1,000 in a JSON list on the
record (docs/adr/0083). The errors older imports kept move into rows, in their order; going back
puts the first 1,000 back in the list."""

import django.db.models.deletion
from django.db import migrations, models

KEPT_BEFORE = 1000


def errors_into_rows(apps, schema_editor):
    record_model = apps.get_model("schools", "ImportRecord")
    error_model = apps.get_model("schools", "ImportRowError")
    for record in record_model.objects.exclude(errors=[]).only("pk", "errors").iterator(chunk_size=100):
        error_model.objects.bulk_create(
            error_model(
                record_id=record.pk,
                row=error.get("row") or 0,
                column=str(error.get("column", "")),
                value=str(error.get("value", "")),
                message=str(error.get("message", "")),
            )
            for error in record.errors
            if isinstance(error, dict)
        )


def rows_into_errors(apps, schema_editor):
    record_model = apps.get_model("schools", "ImportRecord")
    error_model = apps.get_model("schools", "ImportRowError")
    for record in record_model.objects.filter(row_errors__isnull=False).distinct().only("pk").iterator(chunk_size=100):
        kept = error_model.objects.filter(record_id=record.pk).order_by("id")[:KEPT_BEFORE]
        record.errors = list(kept.values("row", "column", "value", "message"))
        record.save(update_fields=["errors"])


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0016_postcode_index_serves_districts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportRowError",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("row", models.PositiveIntegerField()),
                ("column", models.TextField()),
                ("value", models.TextField(blank=True)),
                ("message", models.TextField()),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="row_errors",
                        to="schools.importrecord",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.RunPython(errors_into_rows, rows_into_errors),
        migrations.RemoveField(
            model_name="importrecord",
            name="errors",
        ),
    ]
