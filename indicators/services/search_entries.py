"""Search entries: a plan's public search results, stored one row per result.

``yumeplan.public.search`` reads ``SearchEntry`` rows: one table walked in the plan's
order, filtered by one plain ``LIKE`` on text normalised once here, instead of joining
every project, indicator and judgement of the plan and upper-casing five names per row.

Who keeps them, in the writer's transaction:
- ``indicators.signals``: a project saved (its own rows), an indicator saved or deleted
  (its project's rows), a policy renumbered (the policy's rows), a measure deleted;
- ``refresh_judgements``: the published status of the judged indicators
  (``refresh_statuses``);
- ``refresh_plan_summaries`` (imports, generated plans, a recompute, a plan's years): every
  row of the plan (``refresh_plans``).
A deleted plan, project or indicator takes its rows with it (foreign keys). A write
rebuilds from the projects, indicators and stored judgements, so it is idempotent.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from django.apps import apps as installed_apps
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from . import bulk

BATCH_SIZE = 2000
NO_INDICATOR = -1  # the indicator_order of a project without an indicator
STATUS_UNKNOWN = ""  # no published status in the target year


def search_text(*parts: str) -> str:
    """Text as the search compares it: NFKC (full-width letters and digits, half-width
    kana as typed elsewhere) and case-folded, the parts one per line."""
    return unicodedata.normalize("NFKC", "\n".join(parts)).casefold()


def search_words(query: str) -> list[str]:
    """The words of a search query, normalised as ``search_text``."""
    return search_text(query).split()


def _models(apps) -> dict:
    names = [("indicators", "SearchEntry"), ("indicators", "Indicator")]
    names += [("indicators", "Judgement"), ("policies", "Project")]
    return {name: apps.get_model(app, name) for app, name in names}


def write_entries(apps, projects) -> int:
    """Write again the entries of the projects of ``projects`` (a queryset of ``apps``'s
    Project; a migration passes its historical registry): delete theirs and insert one
    per indicator, and one per project that has none. Returns the rows written."""
    models = _models(apps)
    entry = models["SearchEntry"]
    entry.objects.filter(project_id__in=projects.values("pk")).delete()
    rows = chain(_indicator_entries(models, projects), _bare_project_entries(projects))
    written = 0
    while batch := list(islice(rows, BATCH_SIZE)):  # a plan's worth is never held at once
        bulk.insert_rows(entry, ENTRY_COLUMNS, batch)  # one COPY on PostgreSQL
        written += len(batch)
    return written


# A project's fields that an entry copies, in the order ``_entry`` takes them.
PROJECT_FIELDS = (
    "plan_id",
    "basic_policy__number",
    "measure_id",
    "department_id",
    "summary_order",
    "number",
    "name",
    "name_en",
    "plan__end_fiscal_year",  # the plan's target year
)
# An entry's columns, in the order ``_entry`` gives them.
ENTRY_COLUMNS = (
    *("plan_id", "policy_number", "measure_id", "department_id", "summary_order"),
    *("project_number", "fiscal_year", "text"),
    *("project_id", "indicator_id", "indicator_order", "published_status"),
)


def _entry(project: tuple, names: tuple[str, ...], *own) -> tuple:
    """An entry's values (``ENTRY_COLUMNS``) from its project's (``PROJECT_FIELDS``), the
    indicator's names and its own columns."""
    plan_id, policy, measure, department, order, number, name, name_en, year = project
    text = search_text(number, name, name_en, *names)
    return (plan_id, policy, measure, department, order, number, year, text, *own)


def _indicator_entries(models, projects) -> Iterator[tuple]:
    status = models["Judgement"].objects.filter(
        indicator=OuterRef("pk"), fiscal_year=OuterRef("project__plan__end_fiscal_year")
    )
    indicators = (
        models["Indicator"]
        .objects.filter(project_id__in=projects.values("pk"))
        .order_by()
        .values_list(
            *(f"project__{name}" for name in PROJECT_FIELDS),
            "name",
            "name_en",
            "project_id",
            "pk",
            "order",
            Subquery(status.values("published_status")[:1]),
        )
    )
    size = len(PROJECT_FIELDS)
    for row in indicators.iterator(chunk_size=BATCH_SIZE):
        project_id, pk, order, status = row[size + 2 :]
        own = (project_id, pk, order, status or STATUS_UNKNOWN)
        yield _entry(row[:size], row[size : size + 2], *own)


def _bare_project_entries(projects) -> Iterator[tuple]:
    indicators = projects.model._meta.get_field("indicators").related_model
    bare = projects.filter(~Exists(indicators.objects.filter(project=OuterRef("pk"))))
    for row in bare.order_by().values_list(*PROJECT_FIELDS, "pk").iterator(BATCH_SIZE):
        yield _entry(row[:-1], (), row[-1], None, NO_INDICATOR, STATUS_UNKNOWN)


def _projects():
    return installed_apps.get_model("policies", "Project").objects.all()


def refresh_projects(project_ids: Iterable[int]) -> int:
    """Write again these projects' entries (a project or one of its indicators saved)."""
    return write_entries(installed_apps, _projects().filter(pk__in=set(project_ids)))


def refresh_policies(policy_ids: Iterable[int]) -> int:
    """Write again every entry of these policies (a policy renumbered)."""
    return write_entries(installed_apps, _projects().filter(basic_policy_id__in=set(policy_ids)))


def refresh_plans(plan_id: int | None = None) -> int:
    """Write again every entry of a plan (of every plan when ``plan_id`` is None)."""
    projects = _projects()
    if plan_id is not None:
        projects = projects.filter(plan_id=plan_id)
    return write_entries(installed_apps, projects)


def refresh_statuses(indicator_ids: Iterable[int]) -> int:
    """Copy these indicators' published status in their plan's target year from the
    stored judgements (call after judging them). Returns the rows updated."""
    entry = installed_apps.get_model("indicators", "SearchEntry")
    judgement = installed_apps.get_model("indicators", "Judgement")
    status = judgement.objects.filter(
        indicator_id=OuterRef("indicator_id"), fiscal_year=OuterRef("fiscal_year")
    ).values("published_status")[:1]
    updated = 0
    for chunk in bulk.id_chunks(sorted(set(indicator_ids))):
        updated += entry.objects.filter(indicator_id__any_of=chunk).update(
            published_status=Coalesce(Subquery(status), Value(STATUS_UNKNOWN))
        )
    return updated


def clear_measure(measure_id: int) -> int:
    """A measure was deleted: its projects now have none."""
    entry = installed_apps.get_model("indicators", "SearchEntry")
    return entry.objects.filter(measure_id=measure_id).update(measure_id=None)
