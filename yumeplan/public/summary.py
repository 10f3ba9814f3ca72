"""The plan's summary table (主な指標とその達成状況) as the city prints it, for the whole
plan at once: the methodology page and the PDF read it."""

from django.db.models import Exists, OuterRef

from indicators import published
from indicators.models import Indicator
from policies.models import Project


def summary_rows(plan, fiscal_year: int):
    """Rows of every policy's table, policy by policy: projects in the summary with a main
    indicator (or with none, as the city lists them), their main indicators and statuses."""
    indicators = Indicator.objects.filter(project=OuterRef("pk"))
    projects = (
        Project.objects.filter(plan=plan)
        .in_summary()
        .filter(Exists(indicators.filter(is_main=True)) | ~Exists(indicators))
        .order_by("basic_policy__number", "summary_order", "number", "pk")
    )
    main_indicators = (
        Indicator.objects.filter(project__plan=plan, is_main=True)
        .select_related("project__basic_policy__plan")
        .order_by("order", "pk")
    )
    return published.achievement_rows(projects, main_indicators, fiscal_year)
