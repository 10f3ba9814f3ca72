"""Time the upload of 10,000 actuals: reading the file, the preview and the confirmation.

Run: SECRET_KEY=x .venv/bin/python bench/bench_import.py [--rows 10000]

Builds SYNTHETIC data (a made-up plan "bench-synthetic" with one indicator per project,
not the city's data) in a throwaway database (SQLite, or PostgreSQL when DATABASE_URL
names one), then uploads a CSV (CP932, as Japanese Excel saves it) for every indicator twice: first all
rows new, then all rows changed. Then exports the synthetic plan as a whole-plan
workbook, deletes it, and times the dry run and the import of that workbook. Prints
seconds and query counts for each step.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

from _django import count_queries, make_planner, setup_throwaway_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    database = setup_throwaway_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators.models import Actual, Indicator
    from indicators.services import imports, plan_io
    from policies.models import BasicPolicy, Plan, Project

    planner = make_planner()

    n = args.rows
    plan = Plan.objects.create(
        name="ベンチマーク用の合成計画（synthetic）",
        slug="bench-synthetic",
        start_fiscal_year=2020,
        end_fiscal_year=2024,
        baseline_fiscal_year=2019,
    )
    policy = BasicPolicy.objects.create(plan=plan, number=1, title="合成データ")
    Project.objects.bulk_create(
        Project(plan=plan, basic_policy=policy, number=str(i), name=f"合成事業{i}")
        for i in range(1, n + 1)
    )
    projects = list(Project.objects.filter(plan=plan).order_by("pk"))
    Indicator.objects.bulk_create(
        Indicator(project=p, name="合成指標", unit="人", target_kind="increase") for p in projects
    )
    indicators = list(Indicator.objects.filter(project__plan=plan).select_related("project"))
    print(f"synthetic plan: {len(indicators):,} indicators ({database.vendor})")

    def csv_bytes(offset: int) -> bytes:
        lines = ["ID,年度,事業番号,指標項目,実績値,備考"]
        lines += [
            f'{i.pk},R5,{i.project.number},{i.name},"{1000 + offset + k:,}人",合成'
            for k, i in enumerate(indicators)
        ]
        return ("\n".join(lines) + "\n").encode("cp932")

    for label, offset in [("new rows", 0), ("changed rows", 1)]:
        data = csv_bytes(offset)
        timings = []
        with CaptureQueriesContext(connection) as read_q:
            start = time.perf_counter()
            records = imports.read_upload("bench.csv", data)
            timings.append(("read CSV", time.perf_counter() - start, len(read_q)))
        with CaptureQueriesContext(connection) as preview_q:
            start = time.perf_counter()
            preview = imports.build_preview(user=planner, records=records)
            timings.append(("preview", time.perf_counter() - start, len(preview_q)))
        assert not preview.errors, preview.errors[:3]
        with CaptureQueriesContext(connection) as confirm_q:
            start = time.perf_counter()
            result = imports.confirm(user=planner, records=records)
            timings.append(
                ("confirm (re-check + save)", time.perf_counter() - start, len(confirm_q))
            )
        print(f"\n{n:,} {label}: created {result.created:,}, updated {result.updated:,}")
        for step, seconds, queries in timings:
            print(f"  {step:<28} {seconds:7.2f} s  {queries:5d} queries")
    assert Actual.objects.filter(fiscal_year=2023).count() == n
    assert Actual.objects.filter(fiscal_year=2023).first().value == Decimal(1001)

    # The same synthetic plan as a whole-plan workbook: export, delete, dry run, import.
    print(f"\nwhole-plan workbook ({n:,} projects, indicators and actuals)")
    steps = []
    with CaptureQueriesContext(connection) as q:
        start = time.perf_counter()
        workbook = plan_io.export_plan(plan)
        steps.append(("export_plan", time.perf_counter() - start, len(q)))
    plan.delete()
    for step, function in [("check_plan (dry run)", plan_io.check_plan), ("import_plan", None)]:
        with count_queries() as count:
            start = time.perf_counter()
            (function or plan_io.import_plan)(workbook)
            steps.append((step, time.perf_counter() - start, count[0]))
    for step, seconds, queries in steps:
        print(f"  {step:<28} {seconds:7.2f} s  {queries:5d} queries")
    assert Actual.objects.filter(indicator__project__plan__slug="bench-synthetic").count() == n
    database.cleanup()


if __name__ == "__main__":
    main()
