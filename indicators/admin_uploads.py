"""Admin views for actuals as files: the officer's XLSX template, the upload with its
preview and confirmation, and the planners' export. Mixed into ActualAdmin.

The upload is read once; its rows are kept in the session between the preview and the
confirmation (never trusted: ``imports.confirm`` checks them again before writing), with
the versions of the actuals the preview showed, so that a figure saved by someone else
meanwhile is refused with their value, never overwritten."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policies.fiscal_years import format_era

from . import file_limits
from .admin_entry import entry_fiscal_years
from .resources import ActualExportResource
from .services import imports, workflow
from .spreadsheet_safety import safe_dataset
from .values import parse_whole_number

SESSION_KEY = "indicators_actual_upload"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_("Excel（.xlsx）または CSV（UTF-8・Shift_JIS のどちらでも可）"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            file_limits.check_size(upload.size)
            self.records = imports.read_upload(upload.name, upload.read())
        except (file_limits.FileLimitError, imports.UploadError) as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class ActualUploadMixin:
    """Adds ``upload/``, ``upload/confirm/``, ``template/`` and ``export/`` to the admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="indicators_actual_upload"),
            path(
                "upload/confirm/",
                view(self.upload_confirm_view),
                name="indicators_actual_upload_confirm",
            ),
            path("template/", view(self.template_view), name="indicators_actual_template"),
            path("export/", view(self.export_view), name="indicators_actual_export"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            **extra,
        }

    def upload_view(self, request):
        workflow.check_can_enter(request.user)
        form = UploadForm(request.POST or None, request.FILES or None)
        context = self._context(
            request,
            title=gettext("実績ファイルの取り込み"),
            form=form,
            years=[(year, format_era(year)) for year in entry_fiscal_years(request.user)],
        )
        if form.is_bound and form.is_valid():
            preview = imports.build_preview(user=request.user, records=form.records)
            if preview.is_valid:
                request.session[SESSION_KEY] = {
                    "records": form.records,
                    "versions": preview.versions,
                }
            else:
                request.session.pop(SESSION_KEY, None)
            context.update(title=gettext("取り込みの確認"), preview=preview)
            return TemplateResponse(request, "admin/indicators/actual/upload_preview.html", context)
        return TemplateResponse(request, "admin/indicators/actual/upload.html", context)

    def upload_confirm_view(self, request):
        workflow.check_can_enter(request.user)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:indicators_actual_upload"))
        pending = request.session.pop(SESSION_KEY, None)
        if not isinstance(pending, dict) or not pending.get("records"):
            self.message_user(
                request,
                gettext("確認中の取り込みがありません。ファイルをもう一度選んでください。"),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:indicators_actual_upload"))
        try:
            result = imports.confirm(
                user=request.user, records=pending["records"], versions=pending["versions"]
            )
        except (ValidationError, PermissionDenied) as error:
            for message in workflow.refusal_messages(error)[:20]:
                self.message_user(request, message, messages.ERROR)
            self.message_user(request, gettext("何も保存していません。"), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:indicators_actual_upload"))
        self.message_user(
            request,
            gettext(
                "取り込みました（新規 %(created)d 件、更新 %(updated)d 件、変更なし %(unchanged)d 件）。"
                "内容を確認して提出してください。"
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:indicators_actual_changelist"))

    def template_view(self, request):
        workflow.check_can_enter(request.user)
        years = entry_fiscal_years(request.user)
        requested = parse_whole_number(request.GET.get("fiscal_year", ""))
        if not years:
            raise PermissionDenied
        fiscal_year = requested or years[-1]
        if fiscal_year not in years:
            fiscal_year = years[-1]
        dataset = safe_dataset(imports.template_dataset(user=request.user, fiscal_year=fiscal_year))
        response = HttpResponse(dataset.export("xlsx"), content_type=file_limits.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="actuals-template-{fiscal_year}.xlsx"'
        )
        return response

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        file_format = request.GET.get("format", "xlsx")
        if file_format not in {"xlsx", "csv"}:
            file_format = "xlsx"
        queryset = self.get_queryset(request).select_related(
            "indicator__project__plan", "indicator__project__department"
        )
        year = parse_whole_number(request.GET.get("fiscal_year", ""), max_digits=4)
        if year is not None:
            queryset = queryset.filter(fiscal_year=year)
        dataset = safe_dataset(
            ActualExportResource().export(queryset.order_by("indicator", "fiscal_year"))
        )
        if file_format == "csv":
            # With a BOM so that Japanese Excel opens it as UTF-8.
            body = "\ufeff" + dataset.export("csv")
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                dataset.export("xlsx"), content_type=file_limits.XLSX_CONTENT_TYPE
            )
        response["Content-Disposition"] = f'attachment; filename="actuals.{file_format}"'
        return response
