from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Actual, Indicator, OfficialStatus


class IndicatorInline(admin.StackedInline):
    """Indicators shown on their project's page, so a project reads and edits as one."""

    model = Indicator
    extra = 0
    show_change_link = True
    fields = [
        ("name", "name_en"),
        ("unit", "decimals", "direction", "is_cumulative"),
        ("baseline_value", "baseline_fiscal_year"),
        ("target_kind", "target_value", "target_fiscal_year"),
        "order",
    ]


class ActualInline(admin.TabularInline):
    model = Actual
    extra = 0
    fields = ["fiscal_year", "value", "note"]


class OfficialStatusInline(admin.TabularInline):
    model = OfficialStatus
    extra = 0
    fields = ["fiscal_year", "status", "reason", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "project_number",
        "project",
        "name",
        "unit",
        "baseline_value",
        "target_kind",
        "target_value",
        "direction",
    ]
    list_display_links = ["name"]
    list_filter = [
        "project__plan",
        "project__basic_policy",
        "target_kind",
        "direction",
        "is_cumulative",
    ]
    search_fields = ["name", "name_en", "project__number", "project__name"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    inlines = [ActualInline, OfficialStatusInline]

    @admin.display(description=_("事業番号"), ordering="project__number")
    def project_number(self, obj):
        return obj.project.number

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, OfficialStatus):
                instance.recorded_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Actual)
class ActualAdmin(admin.ModelAdmin):
    list_display = ["indicator", "fiscal_year", "value", "note"]
    list_filter = ["fiscal_year", "indicator__project__plan", "indicator__project__basic_policy"]
    search_fields = ["indicator__name", "indicator__project__number", "indicator__project__name"]
    list_select_related = ["indicator__project"]
    autocomplete_fields = ["indicator"]


@admin.register(OfficialStatus)
class OfficialStatusAdmin(admin.ModelAdmin):
    list_display = ["indicator", "fiscal_year", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "fiscal_year", "indicator__project__plan"]
    search_fields = ["indicator__name", "indicator__project__number", "reason"]
    list_select_related = ["indicator__project", "recorded_by"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
