"""Admin: start a plan from the achievement table a city publishes (計画 → 達成状況表から作成).

A planner uploads the table (XLSX, CSV or the text of its PDF) with the new plan's slug
and name, and reads a preview before anything is written: how each column heading was
read (and may be corrected), every indicator with its published and computed status
and its direction (may be changed), the thresholds the published statuses allow and the
one proposed, and the rows whose published status the rule would not give. Confirming
reads the file again with the corrections and writes the plan, all or nothing
(``services.summary_import``). The file stays in the session between the steps.
Mixed into PlanAdmin.
"""

from __future__ import annotations

import base64
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policies import roles
from policies.fiscal_years import FiscalYearError, format_era, parse_fiscal_year

from . import file_limits, summary_table
from .models import AchievementStatus, Direction
from .services import summary_import
from .values import format_value, format_value_with_year

SESSION_KEY = "indicators_plan_summary"
MAP_ROLE, MAP_YEAR, DIRECTION = "map-role:", "map-year:", "direction:"
TEMPLATES = "admin/policies/plan/summary/"


class SummaryOptionsForm(forms.Form):
    slug = forms.SlugField(label=_("スラッグ"), help_text=_("URL に使う半角英数字の名前"))
    name = forms.CharField(label=_("計画名"), max_length=200)
    start = forms.CharField(
        label=_("計画期間の初年度"),
        required=False,
        help_text=_("例: R2、2020。空欄なら表の「計画期間」の行から"),
    )
    end = forms.CharField(label=_("計画期間の最終年度"), required=False)
    threshold = forms.DecimalField(
        label=_("概ね達成の基準（θ）"),
        required=False,
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal("0.999"),
        help_text=_("空欄なら公表された達成状況から提案します"),
    )

    def _year(self, name: str) -> int | None:
        text = self.cleaned_data[name].strip()
        if not text:
            return None
        try:
            return parse_fiscal_year(text)
        except FiscalYearError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_start(self):
        return self._year("start")

    def clean_end(self):
        return self._year("end")


class SummaryUploadForm(SummaryOptionsForm):
    file = forms.FileField(
        label=_("達成状況表"),
        help_text=_("Excel（.xlsx）、CSV（UTF-8・Shift_JIS）または PDF から写したテキスト（.txt）"),
    )

    field_order = ["file", "slug", "name", "start", "end", "threshold"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            file_limits.check_size(upload.size)
        except file_limits.FileLimitError as error:
            raise forms.ValidationError(str(error)) from error
        self.data_bytes = upload.read()
        return upload


def _corrections(post) -> tuple[dict[str, summary_table.Column], dict[str, str], list[str]]:
    """The planner's corrections in the preview form: column headings → Column, indicator
    keys → direction, and the messages of corrections that cannot be read."""
    mapping, directions, errors = {}, {}, []
    for key, value in post.items():
        if key.startswith(MAP_ROLE) and value in summary_table.ROLES:
            heading = key.removeprefix(MAP_ROLE)
            year = None
            if value in summary_table.YEAR_ROLES:
                try:
                    year = parse_fiscal_year(post.get(MAP_YEAR + heading, ""))
                except FiscalYearError as error:
                    errors.append(f"「{heading}」: {error}")
                    continue
            mapping[summary_table.heading_key(heading)] = summary_table.Column(value, year)
        elif key.startswith(DIRECTION) and value in Direction.values:
            directions[key.removeprefix(DIRECTION)] = value
    return mapping, directions, errors


def _shown(row: summary_table.IndicatorRow, value: Decimal | None) -> str:
    return "" if value is None else format_value(value, row.unit, row.decimals)


def _baseline_shown(row: summary_table.IndicatorRow, plan_baseline_year: int) -> str:
    """As the public table shows it: the year only when it is not the plan's baseline year."""
    if row.baseline_value is None:
        return ""
    decimals = row.decimals if row.baseline_decimals is None else row.baseline_decimals
    year = row.baseline_fiscal_year if row.baseline_fiscal_year != plan_baseline_year else None
    return format_value_with_year(row.baseline_value, row.unit, decimals, year)


def _indicator_rows(preview: summary_import.Preview) -> list[dict]:
    """One line per indicator for the preview table, values as the documents write them."""
    differing = {row.indicator.key for row in preview.disagreements}
    lines = []
    for policy in preview.summary.policies:
        for project in policy.projects:
            for row in project.indicators:
                computed = row.judge(preview.threshold)
                lines.append(
                    {
                        "indicator": row,
                        "policy": policy.number,
                        "project": project,
                        "baseline": _baseline_shown(row, preview.summary.baseline_fiscal_year),
                        "target": row.target_wording or _shown(row, row.target_value),
                        "actual": _shown(row, row.actuals.get(row.target_fiscal_year)),
                        "published": _label(row.published_status),
                        "computed": _label(computed.status),
                        "reason": computed.reason,
                        "differs": row.key in differing,
                    }
                )
    return lines


def _label(status) -> str:
    return AchievementStatus(status.value).label if status is not None else ""


class PlanSummaryImportMixin:
    """Adds ``summary/`` (upload and preview) and ``summary/confirm/`` to PlanAdmin."""

    change_list_template = TEMPLATES + "change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("summary/", view(self.summary_import_view), name="policies_plan_summary"),
            path(
                "summary/confirm/",
                view(self.summary_confirm_view),
                name="policies_plan_summary_confirm",
            ),
            *super().get_urls(),
        ]

    def _may_import_summary(self, request) -> bool:
        return roles.is_planner(request.user) and self.has_add_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_import_summary": self._may_import_summary(request),
        }
        return super().changelist_view(request, extra_context)

    def _summary_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("達成状況表から計画を作成"),
            **extra,
        }

    def summary_import_view(self, request):
        if not self._may_import_summary(request):
            raise PermissionDenied
        if "_preview" in request.POST and SESSION_KEY in request.session:
            return self._summary_preview(request, SummaryOptionsForm(request.POST))
        form = SummaryUploadForm(request.POST or None, request.FILES or None)
        if form.is_bound and form.is_valid():
            request.session[SESSION_KEY] = {
                "name": form.cleaned_data["file"].name,
                "data": base64.b64encode(form.data_bytes).decode("ascii"),
            }
            return self._summary_preview(request, form)
        context = self._summary_context(request, form=form)
        return TemplateResponse(request, TEMPLATES + "import.html", context)

    def _read(self, request, form):
        """(summary, preview, errors) for the file in the session and the posted options."""
        stored = request.session[SESSION_KEY]
        mapping, directions, errors = _corrections(request.POST)
        if errors:
            return None, None, [("-", message) for message in errors]
        try:
            summary = summary_import.read_summary(
                stored["name"],
                base64.b64decode(stored["data"]),
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                mapping=mapping,
                directions=directions,
            )
        except summary_table.SummaryError as error:
            return None, None, error.errors
        return summary, summary_import.build_preview(summary, form.cleaned_data["threshold"]), []

    def _check(self, request, form, summary, preview) -> list[tuple[str, str]]:
        """What writing would refuse (an existing slug, a name too long), by a dry run."""
        try:
            summary_import.create_plan(
                summary,
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                threshold=preview.threshold,
                user=request.user,
                dry_run=True,
            )
        except summary_table.SummaryError as error:
            return error.errors
        return []

    def _summary_preview(self, request, form, errors=()):
        context = self._summary_context(request, form=form, errors=list(errors))
        if form.is_valid() and not errors:
            summary, preview, errors = self._read(request, form)
            if preview is not None:
                errors = self._check(request, form, summary, preview)
                context.update(_preview_context(form, summary, preview))
            context["errors"] = errors
        return TemplateResponse(request, TEMPLATES + "preview.html", context)

    def summary_confirm_view(self, request):
        if not self._may_import_summary(request):
            raise PermissionDenied
        if request.method != "POST" or SESSION_KEY not in request.session:
            self.message_user(
                request,
                gettext("確認中の取り込みがありません。ファイルをもう一度選んでください。"),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:policies_plan_summary"))
        form = SummaryOptionsForm(request.POST)
        if not form.is_valid() or form.cleaned_data["threshold"] is None:
            form.add_error("threshold", gettext("概ね達成の基準を確認して入れてください。"))
            return self._summary_preview(request, form)
        summary, preview, errors = self._read(request, form)
        if not errors:
            try:
                plan = summary_import.create_plan(
                    summary,
                    slug=form.cleaned_data["slug"],
                    name=form.cleaned_data["name"],
                    threshold=preview.threshold,
                    user=request.user,
                )
            except summary_table.SummaryError as error:
                errors = error.errors
        if errors:
            return self._summary_preview(request, form, errors)
        request.session.pop(SESSION_KEY, None)
        self.message_user(
            request,
            gettext("計画「%(name)s」を達成状況表から作成しました。") % {"name": plan.name},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:policies_plan_change", args=[plan.pk]))


def _preview_context(form, summary, preview: summary_import.Preview) -> dict:
    headings = {}
    for table in summary.tables:
        for heading, column in zip(table.headings, table.columns, strict=True):
            headings.setdefault(
                heading,
                {
                    "heading": heading,
                    "role": column.role,
                    "year": format_era(column.year) if column.year else "",
                    "tables": [],
                },
            )["tables"].append(table.where)
    data = form.data.copy()
    data["threshold"] = str(preview.threshold)
    return {
        "form": SummaryOptionsForm(data),
        "summary": summary,
        "preview": preview,
        "period": (format_era(summary.start_fiscal_year), format_era(summary.end_fiscal_year)),
        "headings": list(headings.values()),
        "roles": list(summary_table.ROLE_LABELS.items()),
        "year_roles": summary_table.YEAR_ROLES,
        "directions": Direction.choices,
        "indicator_rows": _indicator_rows(preview),
        "map_role": MAP_ROLE,
        "map_year": MAP_YEAR,
        "direction_prefix": DIRECTION,
    }
