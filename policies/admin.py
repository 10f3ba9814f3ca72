from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from . import roles
from .admin_filters import DepartmentFilter
from .models import BasicPolicy, Department, Highlight, Measure, Plan, Project, ReportingYear


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "start_fiscal_year",
        "end_fiscal_year",
        "project_count_total",
        "achievement_threshold",
    ]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name", "name_en", "slug"]}),
        (
            _("計画期間"),
            {"fields": ["start_fiscal_year", "end_fiscal_year", "baseline_fiscal_year"]},
        ),
        (
            _("基本理念と視点"),
            {"fields": ["philosophy", "philosophy_en", "viewpoints", "viewpoints_en"]},
        ),
        (
            _("事業数"),
            {"fields": ["project_count_total", "project_count_initial", "project_count_added"]},
        ),
        (_("前後の計画"), {"fields": ["predecessor", "successor_name"]}),
        (_("達成状況の判定"), {"fields": ["achievement_threshold"]}),
    ]
    change_form_template = "admin/policies/plan/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Planners get links to the plan's status pages (indicators.staff_views), for
        the year it is being reported on; read from the database, not from a form that
        may hold an unsaved slug."""
        if obj is not None and obj.pk and roles.is_planner(request.user):
            saved = Plan.objects.with_latest_reporting_year().get(pk=obj.pk)
            context["status_pages"] = {"slug": saved.slug, "year": saved.status_fiscal_year()}
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "project_count"]
    search_fields = ["name", "name_en"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects"))

    @admin.display(description=_("事業数"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


@admin.register(ReportingYear)
class ReportingYearAdmin(admin.ModelAdmin):
    list_display = ["plan", "fiscal_year", "due_date", "is_locked"]
    list_filter = ["plan", "is_locked"]
    list_select_related = ["plan"]


class MeasureInline(admin.TabularInline):
    model = Measure
    fields = ["order", "title", "title_en"]
    extra = 0


@admin.register(BasicPolicy)
class BasicPolicyAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "keyword", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    search_fields = ["title", "title_en", "keyword"]
    list_select_related = ["plan"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "basic_policy", "order"]
    list_filter = ["basic_policy__plan", "basic_policy"]
    search_fields = ["title", "title_en"]
    list_select_related = ["basic_policy"]
    autocomplete_fields = ["basic_policy"]


class HighlightInline(admin.StackedInline):
    model = Highlight
    fields = ["order", "text", "text_en"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(roles.DepartmentScopedAdminMixin, admin.ModelAdmin):
    department_field = "department"
    list_display = [
        "number",
        "name",
        "basic_policy",
        "measure",
        "department",
        "fiscal_year_added",
        "indicator_count",
    ]
    list_display_links = ["number", "name"]
    list_filter = [
        "plan",
        "basic_policy",
        ("department", DepartmentFilter),
        "fiscal_year_added",
    ]
    search_fields = ["number", "name", "name_en", "indicators__name"]
    list_select_related = ["basic_policy", "measure", "department"]
    autocomplete_fields = ["basic_policy", "measure", "department"]
    inlines = [HighlightInline]
    # The plan's order without joining the plan and its policies for every project (a
    # sort of the whole list): a page of a 41,200-project list is read by the index.
    ordering = ["basic_policy_id", "summary_order", "number"]

    def get_queryset(self, request):
        # A count per listed row, not a GROUP BY over every project and indicator.
        counted = (
            Project.objects.filter(pk=OuterRef("pk"))
            .order_by()
            .annotate(n=Count("indicators"))
            .values("n")
        )
        return (
            super().get_queryset(request).annotate(indicator_count=Coalesce(Subquery(counted), 0))
        )

    @admin.display(description=_("指標数"), ordering="indicator_count")
    def indicator_count(self, obj):
        return obj.indicator_count


@admin.register(Highlight)
class HighlightAdmin(admin.ModelAdmin):
    list_display = ["__str__", "basic_policy", "order"]
    list_filter = ["project__basic_policy__plan", "project__basic_policy"]
    search_fields = ["text", "project__name", "project__number"]
    list_select_related = ["project__basic_policy"]
    autocomplete_fields = ["project"]

    @admin.display(description=_("基本方針"), ordering="project__basic_policy")
    def basic_policy(self, obj):
        return obj.project.basic_policy
