"""The public read path: published figures and the judgements of published figures only.

Public pages, the open data API and the downloads read indicators' figures and statuses
through this module and never through ``indicators.working``; a test keeps it so. A
year's official status appears here only once that year's figure is published.
"""

from django.db.models import Max

from .models import Actual
from .statuses import StatusReader

_reader = StatusReader("published")

judgements = _reader.judgements
statuses = _reader.statuses
judged_ids = _reader.judged_ids
status_for = _reader.status_for
counts = _reader.counts
achievement_rows = _reader.achievement_rows


def published_actuals(indicator_ids):
    """The published actuals of these indicators (for their notes and corrections)."""
    return Actual.objects.published().filter(indicator_id__in=indicator_ids)


def last_published_at(indicators):
    """When a figure of these indicators (a queryset) was last published; None if never."""
    actuals = published_actuals(indicators.values("pk"))
    return actuals.aggregate(last=Max("published_at"))["last"]
