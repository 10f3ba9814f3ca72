"""The plan's summary table (主な指標とその達成状況) as the city prints it: the projects
in the summary with a main indicator (or with none, as the city lists them) and their main
indicators. The PDF reads the whole table; the methodology page counts it and picks its
examples from it."""

from django.db.models import Q

from indicators import published
from indicators.models import Indicator
from policies.models import Project

# The table's order: policy by policy, as the city prints it.
PROJECT_ORDER = ("basic_policy__number", "summary_order", "number", "pk")
INDICATOR_ORDER = (*(f"project__{name}" for name in PROJECT_ORDER), "order", "pk")


def summary_projects(plan):
    """The projects of the plan's summary table (a queryset, in the table's order)."""
    own = Indicator.objects.filter(project__plan=plan).values("project_id")
    return (
        Project.objects.filter(plan=plan)
        .in_summary()
        .filter(Q(pk__in=own.filter(is_main=True)) | ~Q(pk__in=own))
        .order_by(*PROJECT_ORDER)
    )


def summary_indicators(plan):
    """The main indicators of the summary table's projects (a queryset, in its order)."""
    return Indicator.objects.filter(
        project__plan=plan, project__summary_order__isnull=False, is_main=True
    ).order_by(*INDICATOR_ORDER)


def summary_rows(plan, fiscal_year: int):
    """Rows of every policy's table, policy by policy, with the year's published statuses."""
    main_indicators = summary_indicators(plan).select_related("project__basic_policy__plan")
    return published.achievement_rows(summary_projects(plan), main_indicators, fiscal_year)
