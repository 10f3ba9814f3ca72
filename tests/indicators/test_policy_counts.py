"""The stored per-policy counts (indicators, the summary table's projects and main
indicators) say what the plan holds after every kind of change that moves them."""

from collections import defaultdict

import pytest
from django.core.management import call_command

from indicators.models import Indicator, PolicyCounts
from indicators.services.plan_io import export_plan, import_plan
from indicators.services.synthetic import build_synthetic_plan
from policies.models import Plan, Project

pytestmark = pytest.mark.django_db


def counted_by_hand(plan) -> dict[int, tuple[int, int, int]]:
    """(indicators, summary projects, summary main indicators) per policy with any, in
    Python: a summary project (summary_order set) has a main indicator or none at all."""
    counts = defaultdict(lambda: [0, 0, 0])
    for project in Project.objects.filter(plan=plan).prefetch_related("indicators"):
        indicators = list(project.indicators.all())
        mains = [i for i in indicators if i.is_main]
        row = counts[project.basic_policy_id]
        row[0] += len(indicators)
        if project.summary_order is not None:
            row[1] += 1 if mains or not indicators else 0
            row[2] += len(mains)
    return {pk: tuple(row) for pk, row in counts.items() if any(row)}


def stored(plan) -> dict[int, tuple[int, int, int]]:
    rows = PolicyCounts.objects.filter(basic_policy__plan=plan).values_list(
        "basic_policy_id", "indicators", "summary_projects", "summary_indicators"
    )
    return {pk: tuple(row) for pk, *row in rows if any(row)}


def test_the_kanazawa_plan_and_a_synthetic_plan_are_counted():
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    kanazawa = Plan.objects.get()
    assert stored(kanazawa) == counted_by_hand(kanazawa) != {}
    plan = build_synthetic_plan(slug="synthetic", projects=60, seed=3).plan
    assert stored(plan) == counted_by_hand(plan) != {}


def test_projects_added_or_put_in_or_out_of_the_summary_are_counted(build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    first, second = plan.basic_policies.order_by("number")
    before = stored(plan)[first.pk]
    bare = Project.objects.create(basic_policy=first, number="900", name="指標のない事業")
    assert stored(plan)[first.pk] == before  # not in the summary table
    bare.summary_order = 9
    bare.save()
    assert stored(plan)[first.pk] == (before[0], before[1] + 1, before[2])
    bare.summary_order = None
    bare.save()
    assert stored(plan)[first.pk] == before
    Project.objects.create(basic_policy=second, number="901", name="新しい事業", summary_order=1)
    assert stored(plan) == counted_by_hand(plan)


def test_indicators_added_changed_moved_and_deleted_are_counted(build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    first, second = plan.basic_policies.order_by("number")
    project = Project.objects.create(basic_policy=first, number="900", name="事業", summary_order=9)
    indicator = Indicator.objects.create(
        project=project, name="補助指標", unit="件", target_value=1, is_main=False
    )
    assert stored(plan) == counted_by_hand(plan)  # has an indicator, none main: out
    indicator.is_main = True
    indicator.save()
    assert stored(plan) == counted_by_hand(plan)
    indicator.project = second.projects.first()
    indicator.save()
    assert stored(plan) == counted_by_hand(plan)
    indicator.delete()
    assert stored(plan) == counted_by_hand(plan)


def test_moved_and_deleted_projects_and_policies_are_counted(build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    first, second = plan.basic_policies.order_by("number")
    project = first.projects.order_by("pk").first()
    project.basic_policy = second
    project.save()
    assert stored(plan) == counted_by_hand(plan)
    project.delete()
    assert stored(plan) == counted_by_hand(plan)
    second.delete()
    assert stored(plan) == counted_by_hand(plan)
    assert not PolicyCounts.objects.filter(basic_policy_id=second.pk).exists()


def test_an_imported_plan_and_a_recompute_are_counted(build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    workbook = export_plan(plan)
    PolicyCounts.objects.all().delete()
    call_command("recompute_judgements", verbosity=0)
    assert stored(plan) == counted_by_hand(plan) != {}
    plan.delete()
    imported = import_plan(workbook)
    assert stored(imported) == counted_by_hand(imported) != {}
