"""Admin views for a whole plan as a workbook (docs/import-format.md): planners export a
plan as XLSX or as a ZIP of CSVs (admin actions), and import a workbook after a preview of
how many rows each sheet would create. Mixed into PlanAdmin.

Between the preview and the confirmation the workbook is kept in the session; the
confirmation imports it again from scratch (``plan_io.import_plan`` checks every row)."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policies import roles

from . import file_limits
from .services import plan_io

SESSION_KEY = "policies_plan_workbook"

SHEET_LABELS = {
    "plan": _("計画"),
    "reporting_years": _("報告年度"),
    "basic_policies": _("基本方針"),
    "measures": _("基本施策"),
    "projects": _("事業"),
    "highlights": _("主な取組実績"),
    "indicators": _("指標"),
    "actuals": _("実績"),
    "official_statuses": _("公式の達成状況"),
}


class WorkbookForm(forms.Form):
    file = forms.FileField(label=_("計画のワークブック（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(gettext("Excel（.xlsx）ファイルを選んでください。"))
        try:
            file_limits.check_size(upload.size)
            self.data_bytes = upload.read()
            file_limits.check_xlsx(self.data_bytes)
        except file_limits.FileLimitError as error:
            raise forms.ValidationError(str(error)) from error
        return upload


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PlanWorkbookMixin:
    """Adds the ``import/`` and ``import/confirm/`` views and two export actions."""

    change_list_template = "admin/policies/plan/workbook/change_list.html"
    actions = ["export_workbook_xlsx", "export_workbook_csv"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.workbook_import_view), name="policies_plan_import"),
            path(
                "import/confirm/",
                view(self.workbook_confirm_view),
                name="policies_plan_import_confirm",
            ),
            *super().get_urls(),
        ]

    def _may_import(self, request) -> bool:
        return roles.is_planner(request.user) and self.has_add_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import_workbook": self._may_import(request)}
        return super().changelist_view(request, extra_context)

    # --- export -----------------------------------------------------------------------

    def _single_plan(self, request, queryset):
        if not roles.is_planner(request.user):
            raise PermissionDenied
        if queryset.count() != 1:
            self.message_user(
                request, gettext("書き出す計画を 1 つだけ選んでください。"), messages.ERROR
            )
            return None
        return queryset.get()

    @admin.action(description=_("選択した計画を Excel（.xlsx）で書き出す"))
    def export_workbook_xlsx(self, request, queryset):
        plan = self._single_plan(request, queryset)
        if plan is not None:
            return _download(
                plan_io.export_plan(plan), file_limits.XLSX_CONTENT_TYPE, f"{plan.slug}.xlsx"
            )

    @admin.action(description=_("選択した計画を CSV（シートごと、ZIP）で書き出す"))
    def export_workbook_csv(self, request, queryset):
        plan = self._single_plan(request, queryset)
        if plan is not None:
            return _download(plan_io.export_plan_csv(plan), "application/zip", f"{plan.slug}.zip")

    # --- import -----------------------------------------------------------------------

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def workbook_import_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        form = WorkbookForm(request.POST or None, request.FILES or None)
        context = self._context(request, title=gettext("計画をワークブックから取り込む"), form=form)
        if form.is_bound and form.is_valid():
            request.session.pop(SESSION_KEY, None)
            try:
                counts = plan_io.check_plan(form.data_bytes)
            except plan_io.PlanImportError as error:
                context.update(errors=error.errors)
            else:
                request.session[SESSION_KEY] = base64.b64encode(form.data_bytes).decode("ascii")
                context.update(
                    title=gettext("取り込みの確認"),
                    counts=[(SHEET_LABELS[name], count) for name, count in counts.items()],
                )
        return TemplateResponse(request, "admin/policies/plan/workbook/import.html", context)

    def workbook_confirm_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:policies_plan_import"))
        encoded = request.session.pop(SESSION_KEY, None)
        if not encoded:
            self.message_user(
                request,
                gettext("確認中の取り込みがありません。ファイルをもう一度選んでください。"),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:policies_plan_import"))
        try:
            plan = plan_io.import_plan(base64.b64decode(encoded))
        except plan_io.PlanImportError as error:
            for sheet, row, reason in error.errors[:20]:
                self.message_user(
                    request,
                    gettext("シート「%(sheet)s」%(row)d 行目: %(reason)s")
                    % {"sheet": sheet, "row": row, "reason": reason},
                    messages.ERROR,
                )
            self.message_user(request, gettext("何も保存していません。"), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:policies_plan_import"))
        self.message_user(
            request,
            gettext("計画「%(name)s」を取り込みました。") % {"name": plan.name},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:policies_plan_change", args=[plan.pk]))
