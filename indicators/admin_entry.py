"""The officer's yearly entry screen (年度の実績入力): the indicators of their
departments for one fiscal year, a page at a time, saved as drafts or saved and submitted. Mixed into
ActualAdmin; the writes are ``indicators.services.workflow``'s."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from policies import roles
from policies.models import Plan, Project, ReportingYear

from . import plan_lists
from .forms import ENTRY_FIELDS, YearEntryForm
from .models import Indicator
from .services import workflow
from .values import parse_whole_number

ENTRY_TEMPLATE = "admin/indicators/actual/entry.html"
ENTRY_PAGE_SIZE = 50  # indicators per page of the yearly entry form, as the staff lists
ENTRY_COLUMNS = 10  # the entry table's columns besides one per previous year


def _entry_indicators(user, plans):
    return Indicator.objects.for_user(user).with_yearly_data().filter(project__plan__in=plans)


def _entry_page(request, plans):
    """A page of the user's indicators of ``plans``, plan by plan, each in its order (a
    planner's form of every indicator of a 41,200-project plan was 68 MB and took 109 s;
    a count and sort of every plan's indicators for each page, 140 ms)."""
    user = request.user
    departments = roles.department_ids_in_scope(user)
    indicators = _entry_indicators(user, plans)
    paginator = plan_lists.plans_indicators(plans, indicators, ENTRY_PAGE_SIZE, departments)
    return paginator.get_page(request.GET.get("page"))


def _posted_indicators(request, plans) -> list[Indicator]:
    """The indicators whose fields the form posted (the user's only, of ``plans``, a
    page's worth): a save writes what was typed even if the list moved since it was shown."""
    ids = set()
    for key in request.POST:
        prefix, _, pk = key.rpartition("_")
        if prefix in ENTRY_FIELDS:
            ids.add(parse_whole_number(pk))
    ids = sorted(ids - {None})[:ENTRY_PAGE_SIZE]
    return list(_entry_indicators(request.user, plans).filter(pk__in=ids))


def entry_plans(user) -> list[Plan]:
    """The plans with a project the user may enter figures for: one EXISTS probe per plan
    (a join and DISTINCT over every project took 70-110 ms at 41,200 projects)."""
    projects = Project.objects.for_user(user).filter(plan=OuterRef("pk"))
    return list(Plan.objects.filter(Exists(projects)))


def entry_fiscal_years(user, plans=None) -> list[int]:
    """Every fiscal year of those plans, oldest first."""
    plans = entry_plans(user) if plans is None else plans
    return sorted({y for p in plans for y in range(p.start_fiscal_year, p.end_fiscal_year + 1)})


def plans_of_year(plans, fiscal_year: int) -> list[Plan]:
    """Those of ``plans`` whose years include ``fiscal_year``, as the upload template lists
    them: a figure is entered for a year of its plan."""
    return [p for p in plans if p.start_fiscal_year <= fiscal_year <= p.end_fiscal_year]


class ActualEntryMixin:
    """Adds ``entry/`` to the admin of actuals."""

    def get_urls(self):
        entry = self.admin_site.admin_view(self.entry_view)
        return [path("entry/", entry, name="indicators_actual_entry"), *super().get_urls()]

    def entry_view(self, request):
        workflow.check_can_enter(request.user)
        plans = entry_plans(request.user)
        years = entry_fiscal_years(request.user, plans)
        requested = parse_whole_number(
            request.POST.get("fiscal_year") or request.GET.get("fiscal_year") or ""
        )
        if request.POST and requested not in years:  # never saved under another year
            messages.error(
                request, gettext("この年度の実績は入力できません。年度を選び直してください。")
            )
            return HttpResponseRedirect(reverse("admin:indicators_actual_entry"))
        fiscal_year = requested if requested in years else (years[-1] if years else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("年度の実績入力"),
            "years": years,
            "fiscal_year": fiscal_year,
        }
        if fiscal_year is None:
            return TemplateResponse(request, ENTRY_TEMPLATE, context)
        plans = plans_of_year(plans, fiscal_year)
        locked_plans = set(
            ReportingYear.objects.filter(
                plan__in=plans, fiscal_year=fiscal_year, is_locked=True
            ).values_list("plan_id", flat=True)
        )
        previous_years = list(range(min(p.start_fiscal_year for p in plans), fiscal_year))
        submitting = request.POST.get("action") == "submit"
        page = _entry_page(request, plans)
        form = YearEntryForm(
            request.POST or None,
            indicators=_posted_indicators(request, plans) if request.POST else page.object_list,
            fiscal_year=fiscal_year,
            previous_years=previous_years,
            locked_plans=locked_plans,
            submitting=submitting,
        )
        query = urlencode({"fiscal_year": fiscal_year})
        if form.is_bound and form.is_valid() and self._save_entry(request, form, submitting):
            return HttpResponseRedirect(
                f"{reverse('admin:indicators_actual_entry')}?{query}&page={page.number}"
            )
        context.update(
            form=form,
            previous_years=previous_years,
            locked=bool(locked_plans),
            several_plans=len(plans) > 1,
            columns=ENTRY_COLUMNS + len(previous_years),
            page=page,
            page_links=page.paginator.get_elided_page_range(page.number),
            query=query,
        )
        return TemplateResponse(request, ENTRY_TEMPLATE, context)

    def _save_entry(self, request, form, submitting: bool) -> bool:
        """Save (and submit) the form's figures; refusals go onto the form."""
        arguments = {"user": request.user, "fiscal_year": form.fiscal_year, "entries": form.entries}
        try:
            if submitting:
                result, submitted = workflow.save_and_submit(**arguments)
            else:
                result = workflow.save_drafts(**arguments)
        except (ValidationError, PermissionDenied) as error:
            for message in workflow.refusal_messages(error):
                form.add_error(None, message)
            return False
        self.message_user(
            request,
            gettext(
                "保存しました（新規 %(created)d 件、更新 %(updated)d 件、変更なし %(unchanged)d 件）。"
            )
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            messages.SUCCESS,
        )
        if submitting:
            self.message_user(
                request,
                gettext("%(count)d 件を提出しました。") % {"count": submitted},
                messages.SUCCESS,
            )
        return True
