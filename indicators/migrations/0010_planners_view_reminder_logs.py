"""Planners (企画担当) may read the reminder log in the admin; nobody writes it by hand.

Grants exactly this one permission, whatever policies/roles.py says by the time this runs
(see its docstring); ``manage.py setup_roles`` brings a group to the full set."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PLANNER_GROUP = "企画担当"
CODENAME = "view_reminderlog"


def _permission(apps):
    # Permissions are normally created after all migrations; a new database has none yet.
    app_config = apps.get_app_config("indicators")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="indicators", codename=CODENAME
    )


def grant(apps, schema_editor):
    group, _created = apps.get_model("auth", "Group").objects.get_or_create(name=PLANNER_GROUP)
    group.permissions.add(_permission(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=PLANNER_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="indicators", codename=CODENAME
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policies", "0003_roles"),
        ("indicators", "0009_public_version"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
