from django.shortcuts import get_object_or_404, redirect, render

from indicators.models import Indicator
from indicators.tables import achievement_rows

from .models import BasicPolicy, Highlight, Plan, Project


def plan_index(request):
    """The site's front page: the plan itself when there is one, else the list of plans."""
    plans = list(Plan.objects.all())
    if len(plans) == 1:
        return redirect(plans[0])
    return render(request, "policies/plan_index.html", {"plans": plans})


def plan_detail(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    basic_policies = list(plan.basic_policies.all())
    counts = Indicator.objects.for_plan(plan).status_counts_by_policy(plan.target_fiscal_year)
    for policy in basic_policies:
        policy.status_counts = counts[policy.pk]
    return render(
        request,
        "policies/plan_detail.html",
        {"plan": plan, "basic_policies": basic_policies},
    )


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
    return render(request, "policies/basic_policy_detail.html", context)
