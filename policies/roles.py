"""Who may do what in the back office: the roles, their permissions, and department scope.

Three roles:

- 担当課職員 (department officer): sees and edits only the projects, indicators and actuals
  of the departments they belong to (``Department.members``); enters and submits actuals.
- 企画担当 (planner): sees every department; edits the plan structure; reviews, approves,
  returns and publishes actuals; records official statuses.
- Administrator: a Django superuser.

The groups are created by data migrations and by ``manage.py setup_roles``, both through
``ensure_roles`` below, never by hand. A data migration must not read ``ROLE_PERMISSIONS``
as it is today (a permission of a model that a later migration creates does not exist
yet when it runs): each one passes the permissions as they stood when it was written
(``policies/migrations/0003_roles.py``) or grants just what it adds
(``indicators/migrations/0010_planners_view_reminder_logs.py``). ``ROLE_PERMISSIONS`` is
what all the migrations add up to, and what ``setup_roles`` repairs a group to.

Admin screens and services ask the helpers here (``is_planner``, ``departments_of``) and
the ``for_user`` QuerySet methods that use them.
"""

from __future__ import annotations

from django.apps import apps as global_apps

OFFICER_GROUP = "担当課職員"
PLANNER_GROUP = "企画担当"

REVIEW_PERMISSION = "indicators.review_actual"
PUBLISH_PERMISSION = "indicators.publish_actual"


def _crud(model: str, *actions: str) -> list[str]:
    return [f"{action}_{model}" for action in actions]


ALL = ("view", "add", "change", "delete")

# app label → codenames. Officers never delete: a figure is corrected, not removed.
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    OFFICER_GROUP: {
        "policies": _crud("project", "view"),
        "indicators": [
            *_crud("indicator", "view"),
            *_crud("actual", "view", "add", "change"),
        ],
    },
    PLANNER_GROUP: {
        "policies": [
            *_crud("plan", "view", "add", "change"),
            *_crud("basicpolicy", *ALL),
            *_crud("measure", *ALL),
            *_crud("project", *ALL),
            *_crud("highlight", *ALL),
            *_crud("department", "view", "add", "change"),
            *_crud("reportingyear", "view", "add", "change"),
        ],
        "indicators": [
            *_crud("indicator", *ALL),
            *_crud("actual", "view", "add", "change"),
            "review_actual",
            "publish_actual",
            *_crud("officialstatus", "view", "add", "change"),
            *_crud("actualcorrection", "view"),
            *_crud("reminderlog", "view"),
        ],
    },
}


def ensure_roles(apps=global_apps, role_permissions=None) -> list[str]:
    """Create or update the role groups with exactly their permissions; idempotent.

    ``apps`` is the migration state's registry when called from a data migration, and
    ``role_permissions`` the permissions that migration knows (``ROLE_PERMISSIONS`` when
    omitted). Returns the group names. Raises LookupError when a permission does not
    exist yet.
    """
    if role_permissions is None:
        role_permissions = ROLE_PERMISSIONS
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, by_app in role_permissions.items():
        permissions = []
        for app_label, codenames in by_app.items():
            found = list(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
            missing = set(codenames) - {permission.codename for permission in found}
            if missing:
                raise LookupError(f"permissions missing in {app_label}: {sorted(missing)}")
            permissions.extend(found)
        group, _created = group_model.objects.get_or_create(name=group_name)
        group.permissions.set(permissions)
    return list(role_permissions)


def _in_group(user, name: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cache = getattr(user, "_yumeplan_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._yumeplan_groups = cache
    return name in cache


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def is_planner(user) -> bool:
    """Planners and administrators: they see and review every department."""
    return is_administrator(user) or _in_group(user, PLANNER_GROUP)


def is_officer(user) -> bool:
    return _in_group(user, OFFICER_GROUP)


def sees_all_departments(user) -> bool:
    return is_planner(user)


def departments_of(user):
    """The departments a user belongs to (as a QuerySet)."""
    department_model = global_apps.get_model("policies", "Department")
    if not getattr(user, "is_authenticated", False):
        return department_model.objects.none()
    return department_model.objects.filter(members=user)


def department_ids_in_scope(user) -> list[int] | None:
    """The ids of the departments whose objects the user sees, or None for every
    department (a planner's scope): for reads of stored counts kept per department."""
    if sees_all_departments(user):
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(departments_of(user).order_by("pk").values_list("pk", flat=True))


def scope_to_departments(queryset, user, department_field: str):
    """``queryset`` limited to the user's departments; ``department_field`` is the lookup
    path from the model to Department ("department", "project__department", …)."""
    if sees_all_departments(user):
        return queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return queryset.filter(**{f"{department_field}__members": user})


class DepartmentScopedAdminMixin:
    """For a ModelAdmin whose objects belong to a department through ``department_field``.

    Officers see only their departments' objects in lists, filters, exports, autocompletes
    and foreign-key choices; another department's object by direct URL (change, delete,
    history) answers 404, never its data. Planners and superusers see everything.
    History is shown but never reverted from the admin: changes go through the workflow.
    """

    department_field: str = ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scope_to_departments(queryset, request.user, self.department_field)

    def _ensure_visible(self, request, object_id) -> None:
        from django.contrib.admin.utils import unquote
        from django.http import Http404

        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def get_object(self, request, object_id, from_field=None):
        if from_field is None:
            self._ensure_visible(request, object_id)
        return super().get_object(request, object_id, from_field)

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = kwargs.get("queryset", db_field.remote_field.model._default_manager.all())
        if hasattr(queryset, "for_user"):
            kwargs["queryset"] = queryset.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
