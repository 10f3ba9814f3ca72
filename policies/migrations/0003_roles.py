"""Create the back-office roles (groups with their permissions); see policies/roles.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from policies import roles


# The roles as they stood when this migration was written. Frozen here: the live
# roles.ROLE_PERMISSIONS names permissions of models that later migrations create
# (indicators.ReminderLog), which do not exist yet when this one runs on a new database.
# Later grants are later migrations (indicators/0010_planners_view_reminder_logs).
ROLE_PERMISSIONS = {
    roles.OFFICER_GROUP: {
        "policies": ["view_project"],
        "indicators": ["view_indicator", "view_actual", "add_actual", "change_actual"],
    },
    roles.PLANNER_GROUP: {
        "policies": [
            *[f"{action}_plan" for action in ("view", "add", "change")],
            *[f"{action}_basicpolicy" for action in ("view", "add", "change", "delete")],
            *[f"{action}_measure" for action in ("view", "add", "change", "delete")],
            *[f"{action}_project" for action in ("view", "add", "change", "delete")],
            *[f"{action}_highlight" for action in ("view", "add", "change", "delete")],
            *[f"{action}_department" for action in ("view", "add", "change")],
            *[f"{action}_reportingyear" for action in ("view", "add", "change")],
        ],
        "indicators": [
            *[f"{action}_indicator" for action in ("view", "add", "change", "delete")],
            *[f"{action}_actual" for action in ("view", "add", "change")],
            "review_actual",
            "publish_actual",
            *[f"{action}_officialstatus" for action in ("view", "add", "change")],
            "view_actualcorrection",
        ],
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the
    # groups can be given them in this same run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles.ensure_roles(apps, ROLE_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policies", "0002_department_members_reporting_year"),
        ("indicators", "0006_actual_review_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
