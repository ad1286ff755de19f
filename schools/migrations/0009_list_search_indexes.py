"""Indexes for the schools list's search (docs/adr/0019).

- pg_trgm and a GIN trigram index on UPPER(name), on PostgreSQL only: Django's `icontains` is
  `UPPER(name::text) LIKE UPPER('%oak%')`, which a trigram index on that expression answers
  without reading every school. SQLite has no trigram indexes: there the operations do nothing
  (TrigramExtension checks the database itself; the index is not in the model's state, so the
  model's Meta does not carry a PostgreSQL-only index that SQLite could not create).
- A plain functional index on UPPER(postcode), on either database, for the exact postcode match
  that a search with a digit in it also tries.
"""

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

NAME_TRIGRAM_INDEX = "school_name_upper_trgm"


class TrigramIndexOnPostgreSQL(migrations.operations.base.Operation):
    """CREATE INDEX ... USING gin (UPPER(column) gin_trgm_ops), on PostgreSQL only, leaving the
    migration state alone. (Written as SQL: Django's GinIndex(OpClass(...)) renders the operator
    class inside the expression's parentheses unless django.contrib.postgres is an installed app.)"""

    reversible = True

    def __init__(self, model_name, column, name):
        self.model_name, self.column, self.name = model_name, column, name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {quote(table)} "
            f"USING gin (UPPER({quote(self.column)}) gin_trgm_ops)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Create trigram index {self.name} on UPPER({self.column}) of {self.model_name} (PostgreSQL only)"

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "column": self.column, "name": self.name}


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0008_import_source_schedule"),
    ]

    operations = [
        TrigramExtension(),
        TrigramIndexOnPostgreSQL(model_name="school", column="name", name=NAME_TRIGRAM_INDEX),
        migrations.AddIndex(
            model_name="school",
            index=models.Index(django.db.models.functions.text.Upper("postcode"), name="school_postcode_upper"),
        ),
    ]
