from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from policies import admin as policies_admin
from policies import roles
from policies.admin_filters import DepartmentFilter
from policies.models import Plan, Project

from . import working
from .admin_entry import ActualEntryMixin
from .admin_lists import CountedOnceChangeList, FiscalYearFilter
from .admin_plan_io import PlanWorkbookMixin
from .admin_summary_import import PlanSummaryImportMixin
from .admin_uploads import ActualUploadMixin
from .forms import CommentForm
from .models import (
    Actual,
    ActualCorrection,
    Indicator,
    OfficialStatus,
    ReminderLog,
)
from .services import workflow

# The admin index links planners to their status pages (staff_views); the template lives
# here with the pages it links to. A same-named app template could not override the
# admin's own index.html: django.contrib.admin comes first in INSTALLED_APPS.
admin.site.index_template = "admin/indicators/site_index.html"


class ReadOnlyAdminMixin:
    """For records only the app writes (corrections, reminders): nobody adds, changes or
    deletes them by hand; those with the view permission read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        "definition",
        ("data_source", "update_cycle"),
    ]


class ActualInline(admin.TabularInline):
    """Read only: figures change through the entry screen and the workflow."""

    model = Actual
    extra = 0
    fields = ["fiscal_year", "value", "note", "state", "published_value"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OfficialStatusInline(admin.TabularInline):
    model = OfficialStatus
    extra = 0
    fields = ["fiscal_year", "status", "reason", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Indicator)
class IndicatorAdmin(roles.DepartmentScopedAdminMixin, SimpleHistoryAdmin):
    department_field = "project__department"
    list_display = [
        "project_number",
        "project",
        "name",
        "unit",
        "baseline_value",
        "target_kind",
        "target_value",
        "direction",
        "is_main",
    ]
    list_display_links = ["name"]
    # Planners mark the summary's main indicators straight in the list; officers, who may
    # only view indicators, get no inputs (Django shows list_editable to editors only).
    list_editable = ["is_main"]
    list_filter = [
        "project__plan",
        "project__basic_policy",
        ("project__department", DepartmentFilter),
        "is_main",
        "target_kind",
        "direction",
        "is_cumulative",
    ]
    search_fields = ["name", "name_en", "project__number", "project__name"]
    list_select_related = ["project"]
    ordering = ["project_id", "order", "pk"]  # by its index, not joined to the plan
    # A search, not a <select> of every indicator (54,000 options, a query each for its
    # project's name: 93 s for one change form at 41,200 projects).
    autocomplete_fields = ["project", "carried_over_from"]
    inlines = [ActualInline, OfficialStatusInline]

    def get_changelist(self, request, **kwargs):
        return CountedOnceChangeList

    def stored_total(self, request) -> int:
        """The user's indicators, all of them, counted from the working summaries."""
        return working.indicator_count(roles.department_ids_in_scope(request.user))

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
class ActualAdmin(
    ActualEntryMixin, ActualUploadMixin, roles.DepartmentScopedAdminMixin, SimpleHistoryAdmin
):
    """Actuals are listed and moved through the workflow here; their values are entered
    on the yearly entry screen (``entry/``) or uploaded, never edited in a bare form."""

    department_field = "indicator__project__department"
    list_display = [
        "indicator",
        "department",
        "fiscal_year",
        "display_value",
        "state",
        "published_display",
    ]
    list_filter = [
        ("fiscal_year", FiscalYearFilter),
        "state",
        ("indicator__project__department", DepartmentFilter),
        "indicator__project__plan",
    ]
    search_fields = ["indicator__name", "indicator__project__number", "indicator__project__name"]
    list_select_related = ["indicator__project__department"]
    # By indicator and year through their unique index, not through the indicators' own
    # order (project, policy, plan: a sort of every actual) for each page of the list.
    ordering = ["indicator_id", "fiscal_year"]
    fieldsets = [
        (_("公開される項目"), {"fields": ["indicator", "fiscal_year", "value", "note"]}),
        (_("公開されない項目（内部用）"), {"fields": ["internal_note", "review_comment"]}),
        (
            _("状態"),
            {
                "fields": [
                    "state",
                    ("submitted_by", "submitted_at"),
                    ("approved_by", "approved_at"),
                    ("published_value", "published_at"),
                    "published_note",
                ]
            },
        ),
    ]
    readonly_fields = [
        "indicator",
        "fiscal_year",
        "value",
        "note",
        "internal_note",
        "review_comment",
        "state",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "published_value",
        "published_at",
        "published_note",
    ]
    actions = ["submit_selected", "approve_selected", "return_selected", "publish_selected"]

    def get_changelist(self, request, **kwargs):
        return CountedOnceChangeList

    def stored_total(self, request) -> int:
        """The user's actuals, all of them, counted from the working summaries."""
        return working.figure_count(roles.department_ids_in_scope(request.user))

    @admin.display(description=_("担当課"), ordering="indicator__project__department")
    def department(self, obj):
        return obj.indicator.project.department

    @admin.display(description=_("実績値"), ordering="value")
    def display_value(self, obj):
        return obj.display_value

    @admin.display(description=_("公表値"), ordering="published_value")
    def published_display(self, obj):
        return obj.display_published_value

    # Figures are written by the workflow only: no bare add/change form.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_review_permission(self, request):
        return request.user.has_perm(roles.REVIEW_PERMISSION)

    def has_publish_permission(self, request):
        return request.user.has_perm(roles.PUBLISH_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "entry_url": reverse("admin:indicators_actual_entry"),
        }
        return super().changelist_view(request, extra_context)

    # --- workflow actions -------------------------------------------------------------

    def _run(self, request, queryset, transition, done_message, **kwargs):
        try:
            count = transition(
                user=request.user, actual_ids=list(queryset.values_list("pk", flat=True)), **kwargs
            )
        except (ValidationError, PermissionDenied) as error:
            for message in workflow.refusal_messages(error):
                self.message_user(request, message, messages.ERROR)
            return False
        self.message_user(request, done_message % {"count": count}, messages.SUCCESS)
        return True

    @admin.action(description=_("選択した実績を提出する"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._run(request, queryset, workflow.submit, gettext("%(count)d 件を提出しました。"))

    @admin.action(description=_("選択した実績を承認する"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._run(request, queryset, workflow.approve, gettext("%(count)d 件を承認しました。"))

    def _with_comment(self, request, queryset, *, action, title, help_text, transition, done):
        """An action that first asks for a comment on an intermediate page."""
        form = CommentForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            comment = form.cleaned_data["comment"]
            if self._run(
                request, queryset, transition, done, **{self._comment_arg[action]: comment}
            ):
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "help_text": help_text,
            "form": form,
            "action": action,
            "actuals": queryset.select_related("indicator__project"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/indicators/actual/comment.html", context)

    _comment_arg = {"return_selected": "comment", "publish_selected": "reason"}

    @admin.action(description=_("選択した実績を差し戻す"), permissions=["review"])
    def return_selected(self, request, queryset):
        return self._with_comment(
            request,
            queryset,
            action="return_selected",
            title=gettext("実績の差し戻し"),
            help_text=gettext(
                "差し戻しの理由を書いてください（担当課に表示され、公開されません）。"
            ),
            transition=workflow.return_to_officer,
            done=gettext("%(count)d 件を差し戻しました。"),
        )

    @admin.action(description=_("選択した実績を公表する"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        return self._with_comment(
            request,
            queryset,
            action="publish_selected",
            title=gettext("実績の公表"),
            help_text=gettext(
                "公表済みの値を変える訂正のときは理由を書いてください（公開ページに訂正として載ります）。"
            ),
            transition=workflow.publish,
            done=gettext("%(count)d 件を公表しました。"),
        )


@admin.register(OfficialStatus)
class OfficialStatusAdmin(roles.DepartmentScopedAdminMixin, SimpleHistoryAdmin):
    department_field = "indicator__project__department"
    list_display = ["indicator", "fiscal_year", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "fiscal_year", "indicator__project__plan"]
    search_fields = ["indicator__name", "indicator__project__number", "reason"]
    list_select_related = ["indicator__project", "recorded_by"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ActualCorrection)
class ActualCorrectionAdmin(ReadOnlyAdminMixin, roles.DepartmentScopedAdminMixin, admin.ModelAdmin):
    """Corrections of published figures. Read-only: the workflow's publish step writes them."""

    department_field = "actual__indicator__project__department"
    list_display = ["actual", "old_value", "new_value", "reason", "corrected_by", "corrected_at"]
    list_filter = ["actual__fiscal_year", "actual__indicator__project__plan"]
    search_fields = ["actual__indicator__name", "actual__indicator__project__number", "reason"]
    list_select_related = ["actual__indicator__project", "corrected_by"]
    date_hierarchy = "corrected_at"


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The reminders ``send_reminders`` mailed. Read-only: only that command writes them.

    Planners (the ``view_reminderlog`` permission) and superusers read it; officers have
    no permission on it and get 403."""

    list_display = [
        "sent_on",
        "plan",
        "fiscal_year",
        "department",
        "kind",
        "missing_count",
        "recipients",
    ]
    list_filter = ["kind", "fiscal_year", "plan", "department"]
    search_fields = ["department__name", "plan__name", "recipients"]
    list_select_related = ["plan", "department"]
    date_hierarchy = "sent_on"


# The plan structure's admin (policies.admin) knows nothing of figures. The plan gains its
# whole-plan workbook (indicators and actuals included) and the project its indicators here,
# by extending the registered admins the way Django's documentation extends UserAdmin.
admin.site.unregister(Plan)


@admin.register(Plan)
class PlanAdmin(PlanSummaryImportMixin, PlanWorkbookMixin, policies_admin.PlanAdmin):
    pass


admin.site.unregister(Project)


@admin.register(Project)
class ProjectAdmin(policies_admin.ProjectAdmin):
    inlines = [IndicatorInline, *policies_admin.ProjectAdmin.inlines]
