"""The MSP meeting rule changed (a half-term of this term without a meeting keeps the group overdue
until the term ends: docs/adr/0060): every stored row is counted again at its next read, not at the
next day's refresh."""

from django.db import migrations


def mark_every_row_stale(apps, schema_editor):
    apps.get_model("visits", "StoredCompliance").objects.update(stale=True)


class Migration(migrations.Migration):
    dependencies = [("visits", "0009_stored_compliance_msp_indexes")]

    operations = [migrations.RunPython(mark_every_row_stale, migrations.RunPython.noop)]
