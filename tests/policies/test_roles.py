"""The role groups come from the migration and setup_roles, with exactly their permissions."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from policies import roles


@pytest.mark.django_db
def test_migration_created_the_groups_with_their_permissions():
    for name, by_app in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        granted = set(group.permissions.values_list("content_type__app_label", "codename"))
        expected = {(app, codename) for app, codenames in by_app.items() for codename in codenames}
        assert granted == expected


@pytest.mark.django_db
def test_setup_roles_is_idempotent_and_repairs_changed_groups(capsys):
    planner = Group.objects.get(name=roles.PLANNER_GROUP)
    planner.permissions.clear()
    call_command("setup_roles")
    call_command("setup_roles")
    assert Group.objects.filter(name__in=list(roles.ROLE_PERMISSIONS)).count() == 2
    assert planner.permissions.filter(codename="publish_actual").exists()
    assert "企画担当: ok" in capsys.readouterr().out


@pytest.mark.django_db
def test_role_helpers(make_user):
    from policies.models import Department

    department = Department.objects.create(name="こども政策課")
    officer = make_user("officer", departments=[department])
    planner, admin = make_user("planner"), make_user("admin")
    assert roles.is_officer(officer) and not roles.is_planner(officer)
    assert roles.is_planner(planner) and roles.is_planner(admin)
    assert list(roles.departments_of(officer)) == [department]
    assert officer.has_perm("indicators.change_actual")
    assert not officer.has_perm(roles.REVIEW_PERMISSION)
    assert planner.has_perm(roles.PUBLISH_PERMISSION)
