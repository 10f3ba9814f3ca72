"""A database that already holds a plan is upgraded from an early schema: every data
migration (the stored judgements, summaries, counts and search entries they fill) runs
on the historical models of its own state, and what they leave equals what the code
computes afresh."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Before the stored judgements (indicators 0013 made their table, 0014 filled it).
BEFORE_STORED = [("indicators", "0013_judgement"), ("policies", "0003_roles")]
STORED = ["Judgement", "PublishedSummary", "WorkingSummary", "PolicyCounts", "SearchEntry"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _old_plan(apps) -> None:
    """A small plan as the first version stored it: figures in several states and years,
    an official status."""
    plan = apps.get_model("policies", "Plan").objects.create(
        name="旧計画",
        slug="old",
        start_fiscal_year=2020,
        end_fiscal_year=2024,
        baseline_fiscal_year=2019,
    )
    policy = apps.get_model("policies", "BasicPolicy").objects.create(
        plan=plan, number=1, title="基本方針"
    )
    project_model = apps.get_model("policies", "Project")
    indicator_model = apps.get_model("indicators", "Indicator")
    actual_model = apps.get_model("indicators", "Actual")
    for number in range(1, 4):
        project = project_model.objects.create(
            plan=plan, basic_policy=policy, number=str(number), name=f"事業{number}"
        )
        indicator = indicator_model.objects.create(
            project=project,
            name="利用者数",
            unit="人",
            target_kind="numeric",
            direction="up",
            baseline_value=Decimal("80"),
            target_value=Decimal("100"),
        )
        for year, value, state in [(2022, "85", "published"), (2024, str(90 + number), "draft")]:
            actual_model.objects.create(
                indicator=indicator,
                fiscal_year=year,
                value=Decimal(value),
                state=state,
                published_value=Decimal(value) if state == "published" else None,
            )


def _stored_rows() -> dict[str, list]:
    from django.apps import apps

    rows = {}
    for name in STORED:
        model = apps.get_model("indicators", name)
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        rows[name] = sorted(map(repr, model.objects.values_list(*fields)))
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_database_holding_a_plan_upgrades_from_before_the_stored_judgements():
    from indicators.services.judgements import recompute_all_judgements
    from indicators.services.search_entries import refresh_plans

    old_apps = _migrate(BEFORE_STORED)
    _old_plan(old_apps)
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    migrated = _stored_rows()
    assert len(migrated["Judgement"]) >= 6 and all(migrated.values())
    recompute_all_judgements()
    refresh_plans()
    assert _stored_rows() == migrated
