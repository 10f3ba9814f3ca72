"""The upload confirmation of 10,000 actuals against a raw ``bulk_create`` of the same rows
(issue 10: ≤ 2 ×), alone and repeatable, as ``bench_scale.py``'s bulk writes measure it.

Run: SECRET_KEY=x .venv/bin/python bench/bench_confirm.py [--repeat 5] [--profile]
     [--queries] [--reuse]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME … (a test_NAME database is
     created beside NAME and dropped at the end, unless --reuse)

Builds bench_scale's SYNTHETIC plan "bench-writes" (``generate_synthetic_plan``'s made-up
figures; 10,000 of its indicators have no 2024 figure). Each repetition times the raw
``bulk_create`` of the 10,000 draft 2024 actuals, then ``imports.confirm`` of the same rows
as an upload's records, each with the deferred foreign key checks its commit would run and
then rolled back (bench_scale times them so too), and prints both, their ratio and the CPU
of Python and the server; then the median ratio. ``--profile`` runs the confirms
under cProfile (slower) and prints the top functions; ``--queries`` prints each query's
time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from decimal import Decimal

from _django import (
    analyze,
    count_queries,
    make_planner,
    setup_throwaway_django,
    upload_records,
)
from bench_judging import Rollback, backend_cpu, query_times, vacuum

WRITE_ROWS = 10_000


def check_deferred_constraints() -> None:
    """Run the foreign key checks that PostgreSQL defers to the commit (which the
    benchmarks roll back): a write is timed with all its commit would cost."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def raw_seconds(indicators, values) -> tuple[float, str]:
    """The baseline: bulk_create the rows in a transaction, with the foreign key checks of
    its commit, rolled back."""
    from django.db import transaction

    from indicators.models import Actual, ActualState
    from indicators.services import bulk

    with transaction.atomic():
        start, cpu, server = time.perf_counter(), time.process_time(), backend_cpu()
        Actual.objects.bulk_create(
            (
                Actual(indicator=i, fiscal_year=2024, value=values[i.pk], state=ActualState.DRAFT)
                for i in indicators
            ),
            batch_size=bulk.BATCH_SIZE,
        )
        check_deferred_constraints()
        raw = time.perf_counter() - start
        cpu, server = time.process_time() - cpu, backend_cpu() - server
        transaction.set_rollback(True)
    return raw, f"(CPU: Python {cpu:5.2f} s, server {server:5.2f} s)"


def confirm_seconds(planner, records, profiler, *, queries: bool) -> tuple[float, int, str]:
    """``imports.confirm`` of the records, with the foreign key checks of its commit,
    rolled back: (seconds, queries, CPU note)."""
    from django.db import transaction

    from indicators.services import imports

    try:
        with transaction.atomic(), count_queries() as count, query_times(queries):
            start, cpu, server = time.perf_counter(), time.process_time(), backend_cpu()
            if profiler:
                profiler.enable()
            result = imports.confirm(user=planner, records=records)
            check_deferred_constraints()
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - start
            cpu, server = time.process_time() - cpu, backend_cpu() - server
            raise Rollback
    except Rollback:
        pass
    assert result.created == WRITE_ROWS, result
    return seconds, count[0], f"(CPU: Python {cpu:5.2f} s, server {server:5.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=["tottime", "cumulative"], default="")
    parser.add_argument("--queries", action="store_true", help="print each query's time")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use DATABASE_URL's own database, keep it, and build the plan only once",
    )
    args = parser.parse_args()
    database = setup_throwaway_django(debug=True, reuse=args.reuse)  # DEBUG as bench_scale

    from django.contrib.auth import get_user_model

    from indicators.models import Indicator
    from indicators.services.synthetic import build_synthetic_plan
    from policies.models import Plan

    plan = Plan.objects.filter(slug="bench-writes").first()
    if plan is None:
        plan = build_synthetic_plan(
            slug="bench-writes", projects=WRITE_ROWS * 10 // 12, reporting_year=2023
        ).plan
        analyze()
    planner = get_user_model().objects.filter(username="bench-writer").first()
    planner = planner or make_planner("bench-writer")
    indicators = list(
        Indicator.objects.filter(project__plan=plan).select_related("project").order_by("pk")
    )[:WRITE_ROWS]
    values = {i.pk: Decimal(100 + k) for k, i in enumerate(indicators)}
    records = upload_records(indicators, values)
    profiler = cProfile.Profile() if args.profile else None
    ratios = []
    print(f"{database.vendor}: confirm of {WRITE_ROWS:,} new actuals against raw bulk_create")
    for _ in range(args.repeat):
        vacuum()
        raw, raw_note = raw_seconds(indicators, values)
        vacuum()
        confirm, queries, note = confirm_seconds(planner, records, profiler, queries=args.queries)
        ratios.append(confirm / raw)
        print(
            f"raw {raw:5.2f} s {raw_note}, confirm {confirm:5.2f} s {note} {queries} queries → "
            f"{confirm / raw:4.1f} × raw",
            flush=True,
        )
    print(f"median {statistics.median(ratios):.1f} × raw")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.profile).print_stats(45)
        print(out.getvalue())
    database.cleanup()


if __name__ == "__main__":
    main()
