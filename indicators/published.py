"""The public read path: published figures and the judgements of published figures only.

Public pages, the open data API and the downloads read indicators' figures and statuses
through this module and never through ``indicators.working``; a test keeps it so. A
year's official status appears here only once that year's figure is published.
"""

from collections import defaultdict

from django.db.models import Max

from .models import Actual, PublishedSummary, SearchEntry
from .statuses import StatusCounts, StatusReader

_reader = StatusReader("published")

judgements = _reader.judgements
statuses = _reader.statuses
status_for = _reader.status_for
achievement_rows = _reader.achievement_rows


def published_actuals(indicator_ids):
    """The published actuals of these indicators (for their notes and corrections)."""
    return Actual.objects.published().filter(indicator_id__in=indicator_ids)


def search_entries(plan):
    """The plan's public search results (``SearchEntry``: their statuses are published
    ones, of the plan's target year), unordered."""
    return SearchEntry.objects.filter(plan=plan)


# What the plan page and the open data say of a whole plan or policy come from its stored
# summaries (indicators.services.summaries): a few rows, whatever the size of the plan.


def _summaries(plan, basic_policy=None):
    rows = PublishedSummary.objects.filter(basic_policy__plan=plan)
    return rows if basic_policy is None else rows.filter(basic_policy=basic_policy)


def policy_counts(plan, fiscal_year: int) -> dict[int, StatusCounts]:
    """Each basic policy's indicators per published status for a year, keyed by policy id
    (a policy without indicators is missing: ``counts.get(pk) or StatusCounts()``)."""
    counts: dict[int, StatusCounts] = defaultdict(StatusCounts)
    rows = _summaries(plan).filter(fiscal_year=fiscal_year)
    for row in rows.order_by().values():
        judged = row["achieved"] + row["mostly_achieved"] + row["not_achieved"]
        counts[row["basic_policy_id"]] = StatusCounts(
            achieved=row["achieved"],
            mostly_achieved=row["mostly_achieved"],
            not_achieved=row["not_achieved"],
            not_reported=row["indicators"] - judged,
        )
    return counts


def last_published_at(plan, basic_policy=None):
    """When a figure of the plan (or of one of its policies) was last published; None if
    never (or only figures entered before the workflow, which carry no date)."""
    return _summaries(plan, basic_policy).aggregate(last=Max("last_published_at"))["last"]


def published_years(plan) -> list[int]:
    """The plan's fiscal years with at least one published figure, oldest first."""
    years = (
        _summaries(plan)
        .filter(
            published_figures__gt=0,
            fiscal_year__gte=plan.start_fiscal_year,
            fiscal_year__lte=plan.end_fiscal_year,
        )
        .order_by("fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )
    return list(years)
