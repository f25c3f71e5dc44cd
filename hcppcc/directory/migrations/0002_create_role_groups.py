"""Create one auth group per staff role.

The role names are written out here rather than imported from choices.Role: a migration
must keep doing what it did when it was written, whatever later code says. Their
permissions are granted after every migrate by roles.sync_role_permissions.
"""

from django.db import migrations

ROLE_GROUPS = (
    "proposal_office",
    "committee_staff",
    "leader",
    "handling_unit",
    "member",
    "auditor",
)


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
