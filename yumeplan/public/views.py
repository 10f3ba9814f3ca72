from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from indicators.models import AchievementStatus, Indicator, StatusCounts, last_published_at
from indicators.tables import achievement_rows
from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project

from .caching import cached_public

NOT_REPORTED = "none"
SEARCH_PAGE_SIZE = 50
# the query parameters the search reads (and caches its pages by)
SEARCH_PARAMETERS = ("q", "policy", "measure", "department", "status", "page")


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
    indicators = Indicator.objects.for_plan(plan)
    counts = indicators.status_counts_by_policy(plan.target_fiscal_year)  # fills its cache
    total = StatusCounts()
    for policy in basic_policies:
        policy.status_counts = counts[policy.pk]
        for field in ("achieved", "mostly_achieved", "not_achieved", "not_reported"):
            setattr(total, field, getattr(total, field) + getattr(policy.status_counts, field))
    return render(
        request,
        "public/plan_detail.html",
        {
            "plan": plan,
            "basic_policies": basic_policies,
            "total_counts": total,
            "last_published_at": last_published_at(indicators),
        },
    )


@cached_public
def basic_policy_detail(request, slug, number):
    policy = get_object_or_404(
        BasicPolicy.objects.select_related("plan"), plan__slug=slug, number=number
    )
    plan = policy.plan
    projects = Project.objects.filter(basic_policy=policy).in_summary()
    indicators = Indicator.objects.for_policy(policy)
    context = {
        "plan": plan,
        "policy": policy,
        "measures": policy.measures.all(),
        "rows": achievement_rows(projects, indicators, plan.target_fiscal_year),
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
    indicators = (
        Indicator.objects.filter(project=project)
        .with_yearly_data()
        .prefetch_related("actuals__corrections")
        .order_by("order", "pk")
    )
    years = list(range(plan.start_fiscal_year, plan.end_fiscal_year + 1))
    context = {
        "plan": plan,
        "policy": project.basic_policy,
        "project": project,
        "indicators": [indicator_view(indicator, years) for indicator in indicators],
    }
    return render(request, "public/project_detail.html", context)


def indicator_view(indicator, years):
    """What the project page shows of one indicator: yearly rows, headline status, corrections."""
    yearly = []
    for year in years:
        status = indicator.status_for(year, published_only=True)
        actual = indicator.actual_for(year)
        published = actual is not None and actual.published_value is not None
        yearly.append(
            {
                "fiscal_year": year,
                "status": status,
                "note": actual.published_note if published else "",
                "corrections": list(actual.corrections.all()) if published else [],
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


def _ordered_projects(plan):
    return (
        Project.objects.filter(plan=plan)
        .select_related("basic_policy", "measure", "department")
        .order_by("basic_policy__number", F("summary_order").asc(nulls_last=True), "number", "pk")
    )


def _matches(row, words, filters) -> bool:
    project, indicator = row.project, row.indicator
    if filters["policy"] and str(project.basic_policy.number) != filters["policy"]:
        return False
    if filters["measure"] and str(project.measure_id) != filters["measure"]:
        return False
    if filters["department"] and str(project.department_id) != filters["department"]:
        return False
    if filters["status"]:
        code = row.status.code if row.status else None
        if (code or NOT_REPORTED) != filters["status"]:
            return False
    texts = [project.number, project.name, project.name_en]
    if indicator is not None:
        texts += [indicator.name, indicator.name_en]
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in words)


@cached_public(reads=SEARCH_PARAMETERS)
def search(request, slug):
    """Search and filter every project and indicator of a plan; each state has its URL."""
    plan = get_object_or_404(Plan, slug=slug)
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("q", "policy", "measure", "department", "status")
    }
    words = filters["q"].casefold().split()
    rows = achievement_rows(
        _ordered_projects(plan), Indicator.objects.for_plan(plan), plan.target_fiscal_year
    )
    results = [row for row in rows if _matches(row, words, filters)]
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = [*AchievementStatus.choices, (NOT_REPORTED, _("未集計"))]
    context = {
        "plan": plan,
        "filters": filters,
        "filter_query": urlencode({key: value for key, value in filters.items() if value}),
        "is_filtered": any(filters.values()),
        "result_count": len(results),
        "page": page,
        "results": page.object_list,
        "policies": plan.basic_policies.all(),
        "measures": Measure.objects.filter(basic_policy__plan=plan).select_related("basic_policy"),
        "departments": Department.objects.filter(projects__plan=plan).distinct(),
        "statuses": statuses,
    }
    return render(request, "public/search.html", context)


@cached_public
def accessibility(request):
    return render(request, "public/accessibility.html")
