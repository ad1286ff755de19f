"""The postcode index answers a postcode district as well as a whole postcode (docs/adr/0019): on
PostgreSQL it is built with text_pattern_ops, so `UPPER(postcode) LIKE 'PE3 %'` is an index range
(0.5 ms against a 63 ms scan of 50,000 schools) whatever the database's collation, and equality
still reads it. The model's state is unchanged (the same expression and name); SQLite keeps the
plain index, which it cannot use for LIKE either way."""

from django.db import migrations

INDEX = "school_postcode_upper"


def _rebuilt(opclass: str):
    def rebuild(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("schools", "School")._meta.db_table)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(INDEX)} ON {table} (UPPER(postcode::text) {opclass})".rstrip()
        )

    return rebuild


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0015_school_gias_field_labels"),
    ]

    operations = [
        migrations.RunPython(_rebuilt("text_pattern_ops"), _rebuilt("")),
    ]
