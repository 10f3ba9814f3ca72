"""Stored judgements: the rule runs when an indicator's inputs change, never when a page reads.

Whatever changes an indicator's definition, its figures, its official statuses or its plan's
threshold calls ``refresh_judgements`` (or ``refresh_plan_judgements``) in the same
transaction: the workflow and import services explicitly (they write in bulk, which sends no
signals), ``indicators.signals`` for every single save or delete (the admin, the shell,
fixtures). ``recompute_all_judgements`` rebuilds everything (``manage.py
recompute_judgements``, after a change of the rule).

Each indicator's rows are deleted and written again from the database's current state, so a
refresh is idempotent and the order in which a fixture loads its objects does not matter.
Every refresh ends by counting again the published summaries of the policies it judged
(``indicators.services.summaries``), which the plan page reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from indicators import achievement
from indicators.models import Actual, Indicator, Judgement, OfficialStatus
from indicators.services import bulk, summaries

CHUNK = 2000

# What the rule needs of an indicator, read with values() so that a refresh of thousands of
# indicators builds no model instances.
DEFINITION_FIELDS = (
    "pk",
    "direction",
    "target_kind",
    "target_value",
    "baseline_value",
    "unit",
    "decimals",
    "project__plan__achievement_threshold",
    "project__basic_policy_id",
)


class Written(NamedTuple):
    """What a write of judgements did: rows written, and the policies of the indicators."""

    rows: int
    policy_ids: set[int]


def _judge(definition: dict, value: Decimal) -> achievement.Judgement:
    return achievement.judge(
        direction=achievement.Direction(definition["direction"]),
        target_kind=achievement.TargetKind(definition["target_kind"]),
        target_value=definition["target_value"],
        baseline_value=definition["baseline_value"],
        actual=value,
        threshold=definition["project__plan__achievement_threshold"],
        unit=definition["unit"],
        decimals=definition["decimals"],
    )


def _columns(prefix: str, judgement: achievement.Judgement | None, official: str | None) -> dict:
    computed = judgement.status.value if judgement and judgement.status else ""
    return {
        f"{prefix}_computed": computed,
        f"{prefix}_status": (official or computed) if judgement else "",
        f"{prefix}_reason": judgement.reason if judgement else "",
        f"{prefix}_reason_en": judgement.reason_en if judgement else "",
    }


def judgement_fields(
    definition: dict,
    actuals: dict[int, tuple[Decimal, Decimal | None]],
    officials: dict[int, tuple[str, str]],
) -> list[dict]:
    """The stored columns of one indicator's judgements, year by year.

    ``actuals`` maps a fiscal year to its (working value, published value or None),
    ``officials`` a fiscal year to the city's (status, reason). The published columns stay
    empty until the year's figure is published: an official status is not public before
    its figure. A published value equal to the working one is judged once.
    """
    rows = []
    for year in sorted(set(actuals) | set(officials)):
        working, published = actuals.get(year, (None, None))
        official, official_reason = officials.get(year, ("", ""))
        working_judgement = _judge(definition, working) if working is not None else None
        if published is None:
            published_judgement = None
        elif published == working:
            published_judgement = working_judgement
        else:
            published_judgement = _judge(definition, published)
        if working_judgement is None and official:
            # An official status with no figure: staff see it, with the rule's reason why
            # there is nothing to compute.
            working_judgement = _judge(definition, None)
        rows.append(
            {
                "indicator_id": definition["pk"],
                "fiscal_year": year,
                "official_status": official,
                "official_reason": official_reason,
                "working_value": working,
                "published_value": published,
                **_columns("working", working_judgement, official),
                **_columns("published", published_judgement, official),
            }
        )
    return rows


def write_judgements(
    judgement_model, actual_model, official_model, indicators, years: Iterable[int] | None = None
) -> int:
    """Replace the judgements of the indicators of a queryset (of ``DEFINITION_FIELDS``
    values), of every year or only of ``years`` (a year is judged on its own figures);
    models are passed in so that migrations can use their historical ones."""
    only = {} if years is None else {"fiscal_year__in": sorted(set(years))}
    definitions = {row["pk"]: row for row in indicators.values(*DEFINITION_FIELDS)}
    ids = list(definitions)
    actuals: dict[int, dict] = defaultdict(dict)
    officials: dict[int, dict] = defaultdict(dict)
    written = 0
    policy_ids = {row["project__basic_policy_id"] for row in definitions.values()}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for indicator_id, year, value, published in actual_model.objects.filter(
            indicator_id__in=chunk, **only
        ).values_list("indicator_id", "fiscal_year", "value", "published_value"):
            actuals[indicator_id][year] = (value, published)
        for indicator_id, year, status, reason in official_model.objects.filter(
            indicator_id__in=chunk, **only
        ).values_list("indicator_id", "fiscal_year", "status", "reason"):
            officials[indicator_id][year] = (status, reason)
        judgement_model.objects.filter(indicator_id__in=chunk, **only).delete()
        rows = [
            fields
            for pk in chunk
            for fields in judgement_fields(
                definitions[pk], actuals.pop(pk, {}), officials.pop(pk, {})
            )
        ]
        # Without model instances and bulk_create's per-value SQL: a publication of 10,000
        # figures rewrites some 50,000 judgements (bulk_create took 20 s of it).
        bulk.insert_values(judgement_model, rows)
        written += len(rows)
    return Written(written, policy_ids)


def refresh_judgements(
    indicator_ids: Iterable[int], fiscal_years: Iterable[int] | None = None
) -> int:
    """Judge these indicators again from their current figures, of every year or only of
    ``fiscal_years`` (the years whose figures a writer changed: a publication of 10,000
    figures then judges 10,000 rows, not the 50,000 of every year); call inside the
    writer's transaction. Unknown ids (an indicator not yet loaded by a fixture) are
    skipped."""
    ids = sorted(set(indicator_ids))
    if not ids:
        return 0
    years = None if fiscal_years is None else set(fiscal_years)
    written = 0
    policy_ids: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        indicators = Indicator.objects.filter(pk__in=ids[start : start + CHUNK])
        chunk = write_judgements(Judgement, Actual, OfficialStatus, indicators, years)
        written += chunk.rows
        policy_ids |= chunk.policy_ids
    summaries.refresh_summaries(policy_ids, years)
    return written


def refresh_plan_judgements(plan_id: int) -> int:
    """Judge every indicator of a plan again (its threshold changed)."""
    indicators = Indicator.objects.filter(project__plan_id=plan_id).order_by("pk")
    written = write_judgements(Judgement, Actual, OfficialStatus, indicators).rows
    summaries.refresh_plan_summaries(plan_id)
    return written


def recompute_all_judgements() -> int:
    """Judge every indicator of every plan again, e.g. after a change of the rule."""
    indicators = Indicator.objects.order_by("pk")
    written = write_judgements(Judgement, Actual, OfficialStatus, indicators).rows
    summaries.refresh_plan_summaries()
    return written
