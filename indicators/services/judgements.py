"""Stored judgements: the rule runs when an indicator's inputs change, never when a page reads.

Whatever changes an indicator's definition, its figures, its official statuses, its plan's
threshold or years, or its project's plan calls ``refresh_judgements`` (or
``refresh_plan_judgements``) in the same transaction: the workflow and import services
explicitly (they write in bulk, which sends no signals), ``indicators.signals`` for every
single save or delete (the admin, the shell, fixtures). Saving drafts calls
``refresh_draft_judgements``, which counts only the working summaries again.
``recompute_all_judgements`` rebuilds everything (``manage.py recompute_judgements``,
after a change of the rule).

Each refresh judges its indicators from the database's current state and writes only
what differs from the stored rows (new rows, changed rows, rows whose figure and official
status are gone), so a refresh is idempotent, the order in which a fixture loads its
objects does not matter, and a recomputation that changes nothing writes nothing.
Every refresh ends by counting again the summaries of the policies it judged
(``indicators.services.summaries``), which the plan page and the staff pages read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections

from indicators import achievement
from indicators.models import Actual, Indicator, Judgement, OfficialStatus
from indicators.services import bulk, search_entries, summaries
from indicators.services.working_summaries import refresh_working_summaries

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
    "project__plan_id",
    # and what its straight line to the target needs (``achievement.Line``)
    "baseline_fiscal_year",
    "target_fiscal_year",
    "project__plan__baseline_fiscal_year",
    "project__plan__end_fiscal_year",
)


class Written(NamedTuple):
    """What a write of judgements did: its indicators' judgements (in the years written),
    the policies of the indicators, and the indicators whose published status changed in
    some year (what the public sees moved)."""

    rows: int
    policy_ids: set[int]
    published_changed: set[int]


# The stored columns of a judgement besides its indicator and year, in the order of the
# tuples below.
COLUMNS = (
    "official_status",
    "official_reason",
    "working_value",
    "working_computed",
    "working_status",
    "working_reason",
    "working_reason_en",
    "working_gap",
    "published_value",
    "published_computed",
    "published_status",
    "published_reason",
    "published_reason_en",
    "plan_id",
)
PUBLISHED = COLUMNS.index("published_status")
NO_JUDGEMENT = ("", "", "", "")
# A status as stored ("" for none); a dictionary, where reading ``.value`` of an enum
# member is a descriptor call per judgement.
STATUS_VALUES = {None: "", **{status: status.value for status in achievement.Status}}


def _rule(definition: dict) -> achievement.Rule:
    return achievement.Rule(
        direction=definition["direction"],
        target_kind=definition["target_kind"],
        target_value=definition["target_value"],
        baseline_value=definition["baseline_value"],
        threshold=definition["project__plan__achievement_threshold"],
        unit=definition["unit"],
        decimals=definition["decimals"],
    )


# Gaps are stored rounded to the column's places, so that a refresh compares them as read.
GAP_PLACES = Decimal("0.000001")


def _line(definition: dict) -> achievement.Line | None:
    return achievement.Line.of(
        direction=definition["direction"],
        target_kind=definition["target_kind"],
        baseline_value=definition["baseline_value"],
        baseline_year=definition["baseline_fiscal_year"],
        target_value=definition["target_value"],
        target_year=definition["target_fiscal_year"],
        plan_years=(
            definition["project__plan__baseline_fiscal_year"],
            definition["project__plan__end_fiscal_year"],
        ),
    )


def _gap(line: achievement.Line | None, year: int, working: Decimal | None) -> Decimal | None:
    gap = None if line is None else line.gap(year, working)
    return None if gap is None else gap.quantize(GAP_PLACES, ROUND_HALF_UP)


def _columns(judgement: achievement.Judgement | None, official: str) -> tuple:
    """(computed, status, reason, reason_en) of a judgement, or empty ones without it."""
    if judgement is None:
        return NO_JUDGEMENT
    computed = STATUS_VALUES[judgement.status]
    return (computed, official or computed, judgement.reason, judgement.reason_en)


def judgement_rows(
    definition: dict,
    actuals: dict[int, tuple[Decimal, Decimal | None]],
    officials: dict[int, tuple[str, str]],
) -> dict[int, tuple]:
    """The stored columns (``COLUMNS``) of one indicator's judgements, by fiscal year.

    ``actuals`` maps a fiscal year to its (working value, published value or None),
    ``officials`` a fiscal year to the city's (status, reason). The published columns stay
    empty until the year's figure is published: an official status is not public before
    its figure. A published value equal to the working one is judged once.
    """
    rule = _rule(definition)
    line = _line(definition)
    rows = {}
    for year in sorted(set(actuals) | set(officials)):
        working, published = actuals.get(year, (None, None))
        official, official_reason = officials.get(year, ("", ""))
        working_judgement = rule.judge(working) if working is not None else None
        if published is None:
            published_judgement = None
        elif published == working:
            published_judgement = working_judgement
        else:
            published_judgement = rule.judge(published)
        if working_judgement is None and official:
            # An official status with no figure: staff see it, with the rule's reason why
            # there is nothing to compute.
            working_judgement = rule.judge(None)
        rows[year] = (
            official,
            official_reason,
            working,
            *_columns(working_judgement, official),
            _gap(line, year, working),
            published,
            *_columns(published_judgement, official),
            definition["project__plan_id"],
        )
    return rows


def _rows_of(model, chunk: list[int], only: dict, *fields: str) -> Iterator[tuple]:
    """``fields`` (``indicator_id`` first) of the model's rows of the indicators of
    ``chunk`` (ascending ids), without the model's ordering (and its joins).

    A chunk that is nearly contiguous, as the ids of a plan's indicators are, is read as a
    range of ids, skipping the rows of other indicators within it: an IN list of 2,000 ids
    costs more to write, send and plan than the rows it reads.
    """
    rows = model.objects.order_by()
    if chunk[-1] - chunk[0] >= 2 * len(chunk):
        yield from rows.filter(indicator_id__any_of=chunk, **only).values_list(*fields)
        return
    members = set(chunk)
    within = rows.filter(indicator_id__gte=chunk[0], indicator_id__lte=chunk[-1], **only)
    for row in within.values_list(*fields):
        if row[0] in members:
            yield row


def _fresh(actual_model, official_model, definitions: dict, chunk: list, only: dict) -> dict:
    """{(indicator, year): columns} of the chunk's indicators, judged now."""
    actuals: dict[int, dict] = defaultdict(dict)
    officials: dict[int, dict] = defaultdict(dict)
    for indicator_id, year, value, published in _rows_of(
        actual_model, chunk, only, "indicator_id", "fiscal_year", "value", "published_value"
    ):
        actuals[indicator_id][year] = (value, published)
    for indicator_id, year, status, reason in _rows_of(
        official_model, chunk, only, "indicator_id", "fiscal_year", "status", "reason"
    ):
        officials[indicator_id][year] = (status, reason)
    return {
        (pk, year): columns
        for pk in chunk
        for year, columns in judgement_rows(
            definitions[pk], actuals.pop(pk, {}), officials.pop(pk, {})
        ).items()
    }


def _write_changes(judgement_model, fresh: dict, stored: dict) -> set[int]:
    """Make the stored rows ({(indicator, year): (pk, columns)}) those of ``fresh``:
    insert the new ones, update the changed ones, delete those with nothing to judge.
    Returns the indicators whose published status changed."""
    gone = [pk for key, (pk, _columns) in stored.items() if key not in fresh]
    published = {
        key[0] for key, (_pk, columns) in stored.items() if columns[PUBLISHED] and key not in fresh
    }
    new, changed = [], []
    for key, columns in fresh.items():
        old = stored.get(key)
        if old is None:
            new.append((*key, *columns))
        elif old[1] != columns:
            changed.append((old[0], *columns))
        if (old[1][PUBLISHED] if old else "") != columns[PUBLISHED]:
            published.add(key[0])
    for start in range(0, len(gone), CHUNK):
        judgement_model.objects.filter(pk__any_of=gone[start : start + CHUNK]).delete()
    # Without model instances and bulk_create's or bulk_update's per-value SQL: a
    # publication of 10,000 figures rewrites 10,000 judgements (bulk_create took 20 s).
    bulk.update_rows(judgement_model, COLUMNS, changed)
    bulk.insert_rows(judgement_model, ("indicator_id", "fiscal_year", *COLUMNS), new)
    return published


def _chunk_size(years: list[int] | None) -> int:
    """Indicators judged at a time: CHUNK of every year (about five each); on PostgreSQL,
    as many indicators of a few years as hold the same number of rows (a publication of
    10,000 figures of a year: one read of each table and one COPY, not five of each)."""
    if years is None or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return CHUNK
    return CHUNK * 5 // max(1, len(years))


def write_judgements(
    judgement_model, actual_model, official_model, indicators, years: Iterable[int] | None = None
) -> Written:
    """Judge the indicators of a queryset (of ``DEFINITION_FIELDS`` values) again, of every
    year or only of ``years`` (a year is judged on its own figures), and store what
    changed; models are passed in so that migrations can use their historical ones.
    Returns how many judgements the indicators have (in those years), and their policies."""
    only = {} if years is None else {"fiscal_year__in": sorted(set(years))}
    definitions = {row["pk"]: row for row in indicators.order_by("pk").values(*DEFINITION_FIELDS)}
    ids = list(definitions)
    written = 0
    published: set[int] = set()
    policy_ids = {row["project__basic_policy_id"] for row in definitions.values()}
    size = _chunk_size(only.get("fiscal_year__in"))
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        fresh = _fresh(actual_model, official_model, definitions, chunk, only)
        stored = {
            (indicator_id, year): (pk, tuple(columns))
            for indicator_id, year, pk, *columns in _rows_of(
                judgement_model, chunk, only, "indicator_id", "fiscal_year", "pk", *COLUMNS
            )
        }
        published |= _write_changes(judgement_model, fresh, stored)
        written += len(fresh)
    return Written(written, policy_ids, published)


def _judge_again(indicator_ids: Iterable[int], years: set[int] | None) -> Written:
    """Judge these indicators again and store what changed (``write_judgements``), in
    chunks of ids; unknown ids (an indicator not yet loaded by a fixture) are skipped."""
    written = 0
    policy_ids: set[int] = set()
    published: set[int] = set()
    for id_chunk in bulk.id_chunks(sorted(set(indicator_ids))):  # one on PostgreSQL
        indicators = Indicator.objects.filter(pk__any_of=id_chunk)
        chunk = write_judgements(Judgement, Actual, OfficialStatus, indicators, years)
        written += chunk.rows
        policy_ids |= chunk.policy_ids
        published |= chunk.published_changed
    return Written(written, policy_ids, published)


def refresh_judgements(
    indicator_ids: Iterable[int], fiscal_years: Iterable[int] | None = None
) -> int:
    """Judge these indicators again from their current figures, of every year or only of
    ``fiscal_years`` (the years whose figures a writer changed: a publication of 10,000
    figures then judges 10,000 rows, not the 50,000 of every year), and count their
    policies' summaries again; call inside the writer's transaction."""
    years = None if fiscal_years is None else set(fiscal_years)
    written = _judge_again(indicator_ids, years)
    summaries.refresh_summaries(written.policy_ids, years)
    search_entries.refresh_statuses(written.published_changed)  # a draft moves none
    return written.rows


def refresh_draft_judgements(indicator_ids: Iterable[int], fiscal_years: Iterable[int]) -> int:
    """Judge these indicators again after drafts of ``fiscal_years`` were saved.

    A draft changes no published value, so only the working judgements and the working
    summaries move: the published summaries, which count published statuses and figures
    by scanning the policies' indicators, are not counted again (three queries that grow
    with every plan in the database). Should a published status have moved all the same
    (a stored judgement out of date), everything is counted as ``refresh_judgements``
    does."""
    years = set(fiscal_years)
    written = _judge_again(indicator_ids, years)
    if written.published_changed:
        summaries.refresh_summaries(written.policy_ids, years)
        search_entries.refresh_statuses(written.published_changed)
    else:
        refresh_working_summaries(written.policy_ids, years)
    return written.rows


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
