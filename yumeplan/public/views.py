"""The public site's pages: published figures only, read through ``indicators.published``."""

from dataclasses import fields
from urllib.parse import urlencode

from django.db.models import BooleanField, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from indicators import published
from indicators.cache import last_changed_at
from indicators.models import AchievementStatus, Indicator
from indicators.paging import StoredCountPaginator
from indicators.statuses import StatusCounts, not_reported
from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project

from . import search as plan_search
from .caching import cached_public

SEARCH_PAGE_SIZE = 50
POLICY_PAGE_SIZE = 50  # projects of a policy's main-indicator table per page, as the search
# the query parameters the search reads (and caches its pages by)
SEARCH_PARAMETERS = (*(f.name for f in fields(plan_search.Filters)), "page")


@cached_public
def plan_index(request):
    """The site's front page: the plan itself when there is one, else the list of plans."""
    plans = list(Plan.objects.all())
    if len(plans) == 1:
        return redirect(plans[0])
    return render(request, "public/plan_index.html", {"plans": plans})


@cached_public
def plan_detail(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    basic_policies = list(plan.basic_policies.all())
    counts = published.policy_counts(plan, plan.target_fiscal_year)
    total = StatusCounts()
    for policy in basic_policies:
        policy.status_counts = counts[policy.pk]
        total += policy.status_counts
    published_at = published.last_published_at(plan)
    return render(
        request,
        "public/plan_detail.html",
        {
            "plan": plan,
            "basic_policies": basic_policies,
            "total_counts": total,
            "last_published_at": published_at,
            "summary_years": published.published_years(plan),
            # Figures entered before the workflow (the city's own summary) have no
            # publication date: then say when the plan's public data last changed.
            "last_updated_at": None if published_at else last_changed_at(plan.slug),
        },
    )


@cached_public(reads=("page",))
def basic_policy_detail(request, slug, number):
    """A policy's measures, the achievement table of its main indicators (as the city's
    summary prints it, paged for a large plan) and its highlights."""
    policy = get_object_or_404(
        BasicPolicy.objects.select_related("plan", "counts"), plan__slug=slug, number=number
    )
    plan = policy.plan
    # Projects with a main indicator, or with none; as many as the policy's stored count
    # says (no row: nothing to count). Whether a project is listed is a scalar subquery
    # (its indicators, main first: true, false or none), which PostgreSQL asks per
    # project as it walks the policy's projects in order and stops at the page's end;
    # EXISTS or IN it would answer by hashing every indicator of the plan first.
    first_is_main = Indicator.objects.filter(project=OuterRef("pk")).order_by("-is_main")
    listed = Coalesce(
        Subquery(first_is_main.values("is_main")[:1]), Value(True), output_field=BooleanField()
    )
    projects = (
        Project.objects.filter(basic_policy=policy).in_summary().alias(listed=listed)
    ).filter(listed=True)
    count = policy.counts.summary_projects if hasattr(policy, "counts") else 0
    page = StoredCountPaginator(projects, POLICY_PAGE_SIZE, count).get_page(request.GET.get("page"))
    indicators = (
        Indicator.objects.filter(project__in=list(page.object_list), is_main=True)
        .select_related("project__basic_policy__plan")
        .order_by("order", "pk")
    )
    context = {
        "plan": plan,
        "policy": policy,
        "measures": policy.measures.all(),
        "rows": published.achievement_rows(page.object_list, indicators, plan.target_fiscal_year),
        "page": page,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "highlights": Highlight.objects.filter(project__basic_policy=policy).select_related(
            "project"
        ),
        "siblings": plan.basic_policies.all(),
    }
    return render(request, "public/basic_policy_detail.html", context)


@cached_public
def project_detail(request, slug, number):
    """A project with each indicator's yearly published actuals, chart, status and why."""
    project = get_object_or_404(
        Project.objects.select_related("basic_policy__plan", "measure", "department"),
        plan__slug=slug,
        number=number,
    )
    plan = project.basic_policy.plan
    indicators = list(
        Indicator.objects.filter(project=project)
        .select_related("project__basic_policy__plan")
        .order_by("order", "pk")
    )
    years = list(range(plan.start_fiscal_year, plan.end_fiscal_year + 1))
    statuses = published.statuses(indicators, years)
    actuals = {
        (actual.indicator_id, actual.fiscal_year): actual
        for actual in published.published_actuals([i.pk for i in indicators]).prefetch_related(
            "corrections"
        )
    }
    context = {
        "plan": plan,
        "policy": project.basic_policy,
        "project": project,
        "indicators": [
            indicator_view(indicator, years, statuses, actuals) for indicator in indicators
        ],
    }
    return render(request, "public/project_detail.html", context)


def indicator_view(indicator, years, statuses, actuals):
    """What the project page shows of one indicator: yearly rows, headline status, corrections."""
    yearly = []
    for year in years:
        actual = actuals.get((indicator.pk, year))
        yearly.append(
            {
                "fiscal_year": year,
                "status": statuses.get((indicator.pk, year)) or not_reported(indicator, year),
                "note": actual.published_note if actual else "",
                "corrections": list(actual.corrections.all()) if actual else [],
            }
        )
    reported = [row for row in yearly if row["status"].value is not None]
    headline = reported[-1]["status"] if reported else yearly[-1]["status"]
    return {
        "indicator": indicator,
        "yearly": yearly,
        "has_notes": any(row["note"] for row in yearly),
        "status": headline,
        "corrections": [
            (row["fiscal_year"], correction) for row in yearly for correction in row["corrections"]
        ],
    }


@cached_public(reads=SEARCH_PARAMETERS)
def search(request, slug):
    """Search and filter every project and indicator of a plan; each state has its URL."""
    plan = get_object_or_404(Plan, slug=slug)
    filters = plan_search.Filters.from_query(request.GET)
    page = plan_search.matching_page(plan, filters, request.GET.get("page"), SEARCH_PAGE_SIZE)
    statuses = [*AchievementStatus.choices, (plan_search.NOT_REPORTED, _("未集計"))]
    context = {
        "plan": plan,
        "filters": filters.as_dict(),
        "filter_query": urlencode(filters.as_query()),
        "is_filtered": filters.is_filtered,
        "words_left_out": filters.words_left_out,
        "max_words": plan_search.MAX_WORDS,
        "max_query_length": plan_search.MAX_QUERY_LENGTH,
        "result_count": page.paginator.count,
        "page": page,
        "page_links": page.paginator.get_elided_page_range(page.number),
        "results": plan_search.page_rows(plan, page.object_list),
        "policies": plan.basic_policies.all(),
        "measures": Measure.objects.filter(basic_policy__plan=plan).select_related("basic_policy"),
        "departments": Department.objects.filter(
            Exists(Project.objects.filter(plan=plan, department=OuterRef("pk")))
        ),
        "statuses": statuses,
    }
    return render(request, "public/search.html", context)


@cached_public
def accessibility(request):
    return render(request, "public/accessibility.html")
