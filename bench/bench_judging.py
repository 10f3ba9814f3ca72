"""The two plan-wide judging writes of issue 10, alone and repeatable: recomputing every
stored judgement of a 41,200-project plan, and publishing a year of 10,000 approved figures.

Run: SECRET_KEY=x .venv/bin/python bench/bench_judging.py [--projects 41200] [--repeat 3]
     [--profile recompute|publish]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME … (a test_NAME database is
     created beside NAME and dropped at the end)

Builds a SYNTHETIC plan (``generate_synthetic_plan``'s made-up figures) and a second one of
10,000 indicators with no figures for 2024. Each repetition times
``recompute_all_judgements`` (in a transaction, as ``manage.py recompute_judgements``
runs it) and ``workflow.publish`` of 10,000 approved 2024 figures (rolled back, so every
repetition publishes the same rows). Prints seconds and queries.
With ``--profile recompute|publish`` that one runs under cProfile (slower) and its
function calls and top functions are printed: calls and queries do not depend on the
machine's load; seconds do.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import time
from decimal import Decimal

from _django import count_queries, make_planner, setup_throwaway_django

WRITE_ROWS = 10_000


class Rollback(Exception):
    pass


def backend_cpu() -> float:
    """CPU seconds the database server's process for this connection has used (PostgreSQL
    on this machine; 0 elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def query_times(show: bool):
    """With ``show``, print each query's seconds and its first words when the block ends."""
    from django.db import connection

    times = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times.append((time.perf_counter() - start, " ".join(sql.split())[:110]))

    try:
        with connection.execute_wrapper(timer) if show else contextlib.nullcontext():
            yield
    finally:
        for seconds, sql in times:
            print(f"    {seconds:7.3f} s  {sql}")


def vacuum() -> None:
    """Clear the dead rows that earlier rolled-back repetitions left (this machine's
    PostgreSQL runs no autovacuum), so that every repetition starts alike."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def measure(label: str, function, *, profile: bool, queries: bool = False) -> None:
    """Run ``function`` in a transaction that is rolled back; print its cost."""
    from django.db import connection, transaction

    vacuum()
    profiler = cProfile.Profile()
    try:
        with transaction.atomic(), count_queries() as count, query_times(queries):
            start, cpu, server = time.perf_counter(), time.process_time(), backend_cpu()
            if profile:
                profiler.enable()
            result = function()
            if connection.vendor == "postgresql":
                # The foreign keys' checks, deferred to the commit, which is rolled back.
                connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
            profiler.disable()
            seconds = time.perf_counter() - start
            cpu, server = time.process_time() - cpu, backend_cpu() - server
            raise Rollback
    except Rollback:
        pass
    calls = f", {pstats.Stats(profiler).total_calls:,} function calls" if profile else ""
    print(
        f"{label:<26} {seconds:6.2f} s (CPU: Python {cpu:5.2f} s, server {server:5.2f} s) "
        f"{count[0]:4d} queries{calls} → {result:,}",
        flush=True,
    )
    if profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())


def writes_plan() -> list[int]:
    """A plan of 10,000 indicators with no 2024 figures; their approved 2024 actuals'
    pks (written once, kept for every repetition)."""
    from indicators.models import Actual, ActualState, Indicator
    from indicators.services import bulk
    from indicators.services.judgements import refresh_judgements
    from indicators.services.synthetic import build_synthetic_plan
    from policies.models import Plan

    plan = Plan.objects.filter(slug="bench-writes").first()
    if plan is None:
        plan = build_synthetic_plan(
            slug="bench-writes", projects=WRITE_ROWS * 10 // 12, reporting_year=2023
        ).plan
    actuals = Actual.objects.filter(indicator__project__plan=plan, fiscal_year=2024)
    if actuals.exists():
        return list(actuals.values_list("pk", flat=True))
    indicators = list(
        Indicator.objects.filter(project__plan=plan).order_by("pk").values_list("pk", flat=True)
    )[:WRITE_ROWS]
    Actual.objects.bulk_create(
        (
            Actual(
                indicator_id=pk,
                fiscal_year=2024,
                value=Decimal(100 + k),
                state=ActualState.APPROVED,
            )
            for k, pk in enumerate(indicators)
        ),
        batch_size=bulk.BATCH_SIZE,
    )
    refresh_judgements(indicators, [2024])  # as the upload that saved them did
    return list(
        Actual.objects.filter(indicator__in=indicators, fiscal_year=2024).values_list(
            "pk", flat=True
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=41_200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=["recompute", "publish"], default="")
    parser.add_argument("--queries", action="store_true", help="print each query's time")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use DATABASE_URL's own database, keep it, and build the plans only once",
    )
    args = parser.parse_args()
    database = setup_throwaway_django(reuse=args.reuse)
    from django.contrib.auth import get_user_model

    from indicators.models import Actual, Judgement
    from indicators.services import workflow
    from indicators.services.judgements import recompute_all_judgements
    from indicators.services.synthetic import build_synthetic_plan
    from policies.models import Plan

    start = time.perf_counter()
    if not Plan.objects.filter(slug="bench-judging").exists():
        build_synthetic_plan(slug="bench-judging", projects=args.projects)
    ids = writes_plan()
    planner = get_user_model().objects.filter(username="bench-publisher").first()
    planner = planner or make_planner("bench-publisher")
    print(
        f"{database.vendor}: {args.projects:,} + {WRITE_ROWS * 10 // 12:,} projects, "
        f"{Actual.objects.count():,} actuals, {Judgement.objects.count():,} judgements "
        f"(built in {time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    for _ in range(args.repeat):
        measure(
            "recompute all judgements",
            recompute_all_judgements,
            profile=args.profile == "recompute",
            queries=args.queries,
        )
        measure(
            f"publish {len(ids):,} figures",
            lambda: workflow.publish(user=planner, actual_ids=ids, reason=""),
            profile=args.profile == "publish",
            queries=args.queries,
        )
    database.cleanup()


if __name__ == "__main__":
    main()
