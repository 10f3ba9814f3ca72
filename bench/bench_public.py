"""Time the public pages, the API and the downloads, uncached and cached.

Run: SECRET_KEY=x .venv/bin/python bench/bench_public.py [--projects 400]

Builds a SYNTHETIC plan "bench-synthetic" (``generate_synthetic_plan``'s made-up names
and figures, not a city's data) in a throwaway SQLite database: 5 basic policies sharing
``--projects`` projects, with published actuals for every year before the reporting year. Prints seconds and query counts for
the first request (rendered) and the second (from the cache).
"""

from __future__ import annotations

import time

from _django import synthetic_plan_from_arguments


def main() -> None:
    database = synthetic_plan_from_arguments()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    urls = [
        "/plans/bench-synthetic/",
        "/en/plans/bench-synthetic/",
        "/plans/bench-synthetic/policies/1/",
        "/plans/bench-synthetic/projects/1/",
        "/plans/bench-synthetic/search/?q=合成&status=not_achieved",
        "/api/v1/plans/bench-synthetic/indicators/",
        "/data/bench-synthetic/indicators.csv",
        "/plans/bench-synthetic/methodology/",
        "/data/",
        "/data/catalog.jsonld",
        "/plans/bench-synthetic/feed.atom",
        "/sitemap.xml",
        "/data/bench-synthetic/summary-2023.pdf",
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
    database.cleanup()


if __name__ == "__main__":
    main()
