"""Create the back-office roles (groups with their permissions); see policies/roles.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from policies import roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the
    # groups can be given them in this same run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles.ensure_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(roles.ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policies", "0002_department_members_reporting_year"),
        ("indicators", "0006_actual_review_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
