"""Planners' status pages: dashboard, trajectory, submission tracker and review queue.

Planners only: an officer (or any staff without the planner role) gets 403. The numbers
come from ``indicators.reports``; approving and returning go through the workflow service.
Lists are shown a page at a time (``?page=N``; a page past the end shows the last one, as
the public search does), so every page costs the same whatever the size of the plan.
"""

from collections.abc import Iterator
from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from policies import roles
from policies.models import Plan, Project, ReportingYear

from . import file_limits, plan_lists, reports
from .models import Actual, ActualState, Indicator
from .paging import CountedPaginator
from .services import carry_over as carry_over_service
from .services import workflow
from .values import parse_whole_number


def planner_required(view):
    @staff_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not roles.is_planner(request.user):
            raise PermissionDenied(_("このページは企画担当だけが見られます。"))
        return view(request, *args, **kwargs)

    return wrapper


def _plan_and_year(slug: str, year: int) -> Plan:
    plan = get_object_or_404(Plan, slug=slug)
    if not plan.start_fiscal_year - 1 <= year <= plan.end_fiscal_year:
        raise Http404(_("計画期間外の年度です。"))
    return plan


CARRY_OVER_CHOICES = 500  # a successor's projects offered as suggestions, at most
PAGE_SIZE = 50  # rows of a list per page
COMPARISON_PAGE_SIZE = 100  # indicators of the comparison per page
SUMMARY_PAGE_SIZE = 200  # projects of the summary per page


def _page(request, items, size: int, query: str = "") -> dict:
    """One page of ``items`` (an ordered queryset) and what the pagination include needs;
    ``query`` is the rest of the query string its links keep."""
    return _paginated(request, CountedPaginator(items, size), query)


def _paginated(request, paginator, query: str = "") -> dict:
    """The asked page of ``paginator`` and what the pagination include needs."""
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "query": query,
    }


def _context(request, plan: Plan, year: int, title: str, url_name: str, **extra) -> dict:
    """The admin's own context (site header, user links) and what every status page shows."""
    return {
        **admin.site.each_context(request),
        "url_name": url_name,
        "plan": plan,
        "fiscal_year": year,
        "years": range(plan.start_fiscal_year, plan.end_fiscal_year + 1),
        "title": title,
        **extra,
    }


def _plan_indicators(plan):
    return Indicator.objects.filter(project__plan=plan)


@planner_required
def dashboard(request, slug, year):
    plan = _plan_and_year(slug, year)
    board = reports.dashboard(plan, year)
    differing = reports.differences(
        _plan_indicators(plan)
        .select_related("project")
        .order_by("project__basic_policy__number", "project__summary_order", "order", "pk"),
        year,
    )
    paged = _page(request, differing, PAGE_SIZE)
    return render(
        request,
        "indicators/staff/dashboard.html",
        _context(
            request,
            plan,
            year,
            _("達成状況ダッシュボード"),
            "staff:dashboard",
            board=board,
            total_rows=[board.total],
            previous_year=year - 1,
            projects=reports.project_totals(plan, year),
            differences=reports.year_statuses(paged["page"].object_list, year),
            **paged,
        ),
    )


@planner_required
def trajectory(request, slug, year):
    plan = _plan_and_year(slug, year)
    paged = _paginated(request, reports.off_trajectory_pages(plan, year, PAGE_SIZE))
    return render(
        request,
        "indicators/staff/trajectory.html",
        _context(
            request,
            plan,
            year,
            _("目標への軌道から外れた指標"),
            "staff:trajectory",
            rows=reports.trajectory_rows(paged["page"].object_list),
            **paged,
        ),
    )


@planner_required
def tracker(request, slug, year):
    """Counts per department; ``?department=ID`` (or ``none``) also lists, a page at a
    time, that department's indicators not handed in yet (what the reminders list)."""
    plan = _plan_and_year(slug, year)
    rows = reports.submission_tracker(plan, year)
    reporting_year = ReportingYear.objects.filter(plan=plan, fiscal_year=year).first()
    due_date = reporting_year.due_date if reporting_year else None
    overdue = bool(due_date and timezone.localdate() > due_date)
    return render(
        request,
        "indicators/staff/tracker.html",
        _context(
            request,
            plan,
            year,
            _("提出状況"),
            "staff:tracker",
            rows=rows,
            due_date=due_date,
            overdue=overdue,
            **_outstanding(request, plan, year, rows),
        ),
    )


def _outstanding(request, plan, year: int, rows) -> dict:
    chosen = request.GET.get("department", "")
    for row in rows:
        key = str(row.department.pk) if row.department else "none"
        if key == chosen:
            listed = (
                reports.outstanding(_plan_indicators(plan), year)
                .filter(project__department=row.department)
                .select_related("project")
                .order_by("project__basic_policy__number", "project__summary_order", "order", "pk")
            )
            return {"chosen": row, **_page(request, listed, PAGE_SIZE, f"department={key}")}
    return {}


@planner_required
@require_http_methods(["GET", "POST"])
def review_queue(request, slug, year):
    plan = _plan_and_year(slug, year)
    if request.method == "POST":
        _review(request)
        return redirect(request.get_full_path())
    actuals = (
        Actual.objects.filter(
            state=ActualState.SUBMITTED, fiscal_year=year, indicator__project__plan=plan
        )
        .select_related(
            "indicator__project__basic_policy__plan",
            "indicator__project__department",
            "submitted_by",
        )
        .prefetch_related(
            Prefetch(
                "indicator__actuals",
                queryset=Actual.objects.filter(fiscal_year__lt=year).order_by("fiscal_year"),
                to_attr="earlier",
            )
        )
    )
    paginator = plan_lists.submitted_actuals(plan, year, actuals, PAGE_SIZE)
    return render(
        request,
        "indicators/staff/review_queue.html",
        _context(
            request,
            plan,
            year,
            _("承認待ちの実績"),
            "staff:review_queue",
            **_paginated(request, paginator),
        ),
    )


def _review(request) -> None:
    ids = [pk for pk in map(parse_whole_number, request.POST.getlist("actual")) if pk is not None]
    action = request.POST.get("action")
    if not ids:
        messages.error(request, _("実績を 1 つ以上選んでください。"))
        return
    try:
        if action == "approve":
            count = workflow.approve(user=request.user, actual_ids=ids)
            messages.success(request, _("%(count)d 件を承認しました。") % {"count": count})
        elif action == "return":
            count = workflow.return_to_officer(
                user=request.user, actual_ids=ids, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("%(count)d 件を差し戻しました。") % {"count": count})
        else:
            messages.error(request, _("操作を選んでください。"))
    except (ValidationError, PermissionDenied) as error:
        for message in workflow.refusal_messages(error):
            messages.error(request, message)


def _xlsx(chunks: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    """A streamed workbook, written in the request's language whenever the server reads it."""
    response = StreamingHttpResponse(
        _in_language(chunks, translation.get_language()),
        content_type=file_limits.XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _in_language(chunks: Iterator[bytes], language: str | None) -> Iterator[bytes]:
    """``chunks``, each written with ``language`` active: a streamed body is read after the
    view has returned, and the thread's language may be another by then."""
    while True:
        with translation.override(language):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


@planner_required
def summary(request, slug, year):
    """The summary of every policy; the page shows it a number of projects at a time, the
    XLSX whole."""
    plan = _plan_and_year(slug, year)
    if request.GET.get("format") == "xlsx":
        return _xlsx(reports.summary_xlsx(plan, year), f"{plan.slug}-{year}-summary.xlsx")
    projects = reports.summary_projects(plan, year)
    paginator = plan_lists.summary_projects(plan, year, projects, SUMMARY_PAGE_SIZE)
    paged = _paginated(request, paginator)
    return render(
        request,
        "indicators/staff/summary.html",
        _context(
            request,
            plan,
            year,
            _("施策達成状況概要"),
            "staff:summary",
            summaries=reports.achievement_summary(plan, year, paged["page"].object_list),
            **paged,
        ),
    )


@planner_required
def comparison(request, slug, year):
    """The year against another (``?with=2023``, the previous year by default)."""
    plan = _plan_and_year(slug, year)
    other = request.GET.get("with", "")
    other_year = parse_whole_number(other, max_digits=4) or year - 1
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            reports.comparison_xlsx(plan, other_year, year),
            f"{plan.slug}-{other_year}-{year}.xlsx",
        )
    # Every indicator of the plan, walked in the plan's order to the page (as the
    # carry-over), counted by the policies' stored counts: not sorted or counted in full.
    paginator = plan_lists.plan_indicators(
        plan, reports.comparison_indicators(plan), COMPARISON_PAGE_SIZE
    )
    paged = _paginated(request, paginator, query=f"with={other_year}")
    return render(
        request,
        "indicators/staff/comparison.html",
        _context(
            request,
            plan,
            year,
            _("年度比較"),
            "staff:comparison",
            rows=reports.comparison(paged["page"].object_list, other_year, year),
            other_year=other_year,
            previous_year=other_year,
            board=reports.dashboard(plan, year, previous_year=other_year),
            **paged,
        ),
    )


def _carry_over(request, plan, successor) -> None:
    """Carry over the indicators whose field names a project of the successor (by its
    number), all or nothing; what is refused is said in messages."""
    numbers = {
        parse_whole_number(key.removeprefix("target-")): value.strip()
        for key, value in request.POST.items()
        if key.startswith("target-") and value.strip()
    }
    numbers = {key: value for key, value in numbers.items() if key is not None}
    targets = {}
    if successor is not None:  # without one, the service refuses whatever is asked
        found = dict(
            Project.objects.for_plan(successor)
            .filter(number__in=set(numbers.values()))
            .values_list("number", "pk")
        )
        unknown = sorted(set(numbers.values()) - set(found))
        if unknown:
            messages.error(
                request,
                _("後継計画に次の番号の事業はありません。何も引き継いでいません: %(numbers)s")
                % {"numbers": "、".join(unknown)},
            )
            return
        targets = {key: found[number] for key, number in numbers.items()}
    try:
        created = carry_over_service.carry_over(user=request.user, plan=plan, targets=targets)
    except (ValidationError, PermissionDenied) as error:
        for message in workflow.refusal_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(count)d 件の指標を引き継ぎました。") % {"count": len(created)}
        )


@planner_required
@require_http_methods(["GET", "POST"])
def carry_over(request, slug, year):
    """Pick, per indicator, the successor plan's project that takes it over."""
    plan = _plan_and_year(slug, year)
    successor = getattr(plan, "successor", None)
    if request.method == "POST":
        _carry_over(request, plan, successor)
        return redirect(request.get_full_path())
    indicators = Indicator.objects.filter(project__plan=plan).select_related(
        "project", "carried_over_to__project"
    )
    # The successor's project numbers as suggestions for every row's field, unless there
    # are so many that the list would outweigh the page (a field takes any number).
    projects = (
        list(Project.objects.for_plan(successor).order_by("number")[: CARRY_OVER_CHOICES + 1])
        if successor
        else []
    )
    return render(
        request,
        "indicators/staff/carry_over.html",
        _context(
            request,
            plan,
            year,
            _("後継計画への指標の引き継ぎ"),
            "staff:carry_over",
            successor=successor,
            projects=projects if len(projects) <= CARRY_OVER_CHOICES else [],
            **_paginated(request, plan_lists.plan_indicators(plan, indicators, PAGE_SIZE)),
        ),
    )
