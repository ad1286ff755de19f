"""The headteacher role's group (docs/adr/0023)."""

from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="headteacher")


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="headteacher").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_signs_in_with_sso")]

    operations = [migrations.RunPython(create_role, remove_role)]
