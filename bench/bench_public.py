"""Time the public pages, the API and the downloads, uncached and cached.

Run: SECRET_KEY=x .venv/bin/python bench/bench_public.py [--projects 400]

Builds SYNTHETIC data (a made-up plan "bench-synthetic", not the city's data) in a
throwaway SQLite database: 5 basic policies sharing ``--projects`` projects, one indicator
each with a published actual for every fiscal year. Prints seconds and query counts for
the first request (rendered) and the second (from the cache).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=400)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yumeplan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from indicators.models import Actual, Indicator
    from policies.models import BasicPolicy, Plan, Project

    call_command("migrate", verbosity=0)
    plan = Plan.objects.create(
        name="ベンチマーク用の合成計画（synthetic）",
        slug="bench-synthetic",
        start_fiscal_year=2020,
        end_fiscal_year=2024,
        baseline_fiscal_year=2019,
    )
    policies = [
        BasicPolicy.objects.create(plan=plan, number=n, title=f"合成方針{n}") for n in range(1, 6)
    ]
    Project.objects.bulk_create(
        Project(
            plan=plan,
            basic_policy=policies[i % 5],
            number=str(i),
            name=f"合成事業{i}",
            summary_order=i,
        )
        for i in range(1, args.projects + 1)
    )
    Indicator.objects.bulk_create(
        Indicator(
            project=p,
            name="合成指標",
            unit="人",
            baseline_value=Decimal(100),
            target_kind="numeric",
            target_value=Decimal(120),
        )
        for p in Project.objects.filter(plan=plan)
    )
    Actual.objects.bulk_create(
        Actual(
            indicator=i,
            fiscal_year=year,
            value=Decimal(100 + year - 2020),
            state="published",
            published_value=Decimal(100 + year - 2020),
        )
        for i in Indicator.objects.filter(project__plan=plan)
        for year in range(2020, 2025)
    )
    print(f"synthetic plan: {args.projects:,} projects and indicators, 5 years (SQLite)")

    client = Client()
    urls = [
        "/plans/bench-synthetic/",
        "/en/plans/bench-synthetic/",
        "/plans/bench-synthetic/policies/1/",
        "/plans/bench-synthetic/projects/1/",
        "/plans/bench-synthetic/search/?q=合成&status=not_achieved",
        "/api/v1/plans/bench-synthetic/indicators/",
        "/data/bench-synthetic/indicators.csv",
    ]
    client.get("/accessibility/")  # warm up imports and the template loader
    print(f"{'':48} {'first':>8} {'queries':>8} {'cached':>8} {'queries':>8}")
    for url in urls:
        row = []
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                row += [time.perf_counter() - start, len(queries)]
            assert response.status_code == 200, (url, response.status_code)
        print(f"{url:48} {row[0]:7.3f}s {row[1]:8d} {row[2]:7.4f}s {row[3]:8d}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
