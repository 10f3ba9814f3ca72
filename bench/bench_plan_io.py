"""Time ``manage.py export_plan`` and ``import_plan`` of one synthetic plan (issue 10).

Run: SECRET_KEY=x .venv/bin/python bench/bench_plan_io.py [--projects 4120] [--repeat 3]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME … [--reuse]

Builds a SYNTHETIC plan once (``generate_synthetic_plan``'s made-up names and figures, not a
city's data; its approved figures published), then, ``--repeat`` times, exports it with
``manage.py export_plan`` and imports that workbook with ``manage.py import_plan``, each a
subprocess whose peak RSS is measured (as bench_scale.py). Before an import the original
plan is renamed, so the import creates the plan under its own slug again; after it the
imported plan is renamed out of the way. Prints seconds and peak MB of each run, their
median, the CPU time of each process (less noisy than the wall time on a loaded machine; the
database server's time is not in it) and the load average. With ``--reuse`` and a PostgreSQL
DATABASE_URL, that database is used and kept (the plan is built only when it is not there
yet), to repeat a measurement quickly (imported plans are kept, renamed: deleting one
through Django writes a history row per object). ``--profile FILE`` also writes a cProfile
of each command (FILE.export, FILE.import; read them with pstats).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from _django import analyze, make_planner, setup_throwaway_django
from bench_scale import MANAGE, PLAN_IO_MB, PLAN_IO_SECONDS, manage, publish_approved


def build(projects: int):
    from indicators.services.synthetic import build_synthetic_plan
    from policies.models import Plan

    slug = f"bench-io-{projects}"
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        plan = build_synthetic_plan(slug=slug, projects=projects).plan
        publish_approved(plan, make_planner(f"publisher-io-{projects}"))
        analyze()
    return plan


def timed(*args: str) -> tuple[float, float, float, str]:
    """manage.py in a subprocess: (seconds, CPU seconds of the process, peak MB, error).
    The CPU time (user + system) moves less than the wall time with the machine's load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, peak, error = manage(*args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, peak, error


def run_once(plan, path: str, run: int, profile: str) -> tuple[tuple, tuple]:
    from policies.models import Plan

    slug = plan.slug
    if profile:
        os.environ["BENCH_PROFILE"] = f"{profile}.export"
    export = timed("export_plan", slug, path)
    if export[-1]:
        return export, (0, 0, 0, "")
    Plan.objects.filter(pk=plan.pk).update(slug=f"{slug}-original")
    try:
        if profile:
            os.environ["BENCH_PROFILE"] = f"{profile}.import"
        imported = timed("import_plan", path)
    finally:
        Plan.objects.filter(slug=slug).update(slug=f"{slug}-imported-{time.time_ns()}")
        Plan.objects.filter(pk=plan.pk).update(slug=slug)
    analyze()
    return export, imported


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=4120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # As bench_scale.py: the workbook of 41,200 projects is over the default upload limits.
    for name, value in [
        ("UPLOAD_MAX_BYTES", 100 << 20),
        ("UPLOAD_MAX_UNPACKED_BYTES", 1 << 30),
        ("UPLOAD_MAX_ROWS", 2_000_000),
    ]:
        os.environ.setdefault(name, str(value))
    if args.profile:
        import bench_scale

        bench_scale.MANAGE = "import cProfile, os\n" + MANAGE.replace(
            'runpy.run_path("manage.py", run_name="__main__")',
            'cProfile.run(\'runpy.run_path("manage.py", run_name="__main__")\', '
            'os.environ["BENCH_PROFILE"])',
        )
    database = setup_throwaway_django(reuse=args.reuse)
    try:
        plan = build(args.projects)
        print(
            f"{args.projects:,} projects ({database.vendor}); goal ≤ {PLAN_IO_SECONDS} s, "
            f"≤ {PLAN_IO_MB} MB; load average before: {os.getloadavg()}",
            flush=True,
        )
        runs = []
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "plan.xlsx")
            for run in range(args.repeat):
                export, imported = run_once(plan, path, run, args.profile)
                runs.append((export, imported))
                size = os.path.getsize(path) / 1024 / 1024 if os.path.exists(path) else 0
                print(
                    f"run {run + 1}: export {export[0]:6.2f} s (CPU {export[1]:5.1f} s) "
                    f"{export[2]:4.0f} MB ({size:.1f} MB file) | import {imported[0]:6.2f} s "
                    f"(CPU {imported[1]:5.1f} s) {imported[2]:4.0f} MB | load "
                    f"{os.getloadavg()[0]:.2f} {export[3]}{imported[3]}",
                    flush=True,
                )
                if export[3] or imported[3]:
                    break
        if len(runs) > 1:
            print(
                f"median: export {statistics.median(e[0] for e, _i in runs):.2f} s "
                f"(CPU {statistics.median(e[1] for e, _i in runs):.1f} s), import "
                f"{statistics.median(i[0] for _e, i in runs):.2f} s "
                f"(CPU {statistics.median(i[1] for _e, i in runs):.1f} s); max peak "
                f"{max(e[2] for e, _i in runs):.0f} / {max(i[2] for _e, i in runs):.0f} MB"
            )
    finally:
        database.cleanup()


if __name__ == "__main__":
    main()
