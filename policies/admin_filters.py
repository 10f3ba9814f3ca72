"""List filters shared by the back office's lists."""

from django.contrib import admin

from . import roles
from .models import Department


class DepartmentFilter(admin.RelatedFieldListFilter):
    """A department filter offering the departments the user may see (every department
    for planners, their own for officers), read from the short department table.
    RelatedOnlyFieldListFilter found them with a DISTINCT over every row of the list:
    0.17 s over the 270,000 actuals of a plan of 41,200 projects."""

    def field_choices(self, field, request, model_admin):
        departments = Department.objects.order_by("name")
        if not roles.sees_all_departments(request.user):
            departments = departments.filter(members=request.user)
        return [(department.pk, str(department)) for department in departments]
