"""Time the planners' status pages and reports on a synthetic plan.

Run: SECRET_KEY=x .venv/bin/python bench/bench_staff.py [--projects 400]

Builds a SYNTHETIC plan (``generate_synthetic_plan``'s made-up names and figures, not a
city's data) in a throwaway SQLite database, signs in a planner and prints, for each
status page and report, the seconds and the number of queries of one request.
"""

from __future__ import annotations

import time

from _django import make_planner, signed_in_client, synthetic_plan_from_arguments


def main() -> None:
    database = synthetic_plan_from_arguments()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(make_planner())

    base = "/staff/plans/bench-synthetic"
    urls = [
        f"{base}/2024/",
        f"{base}/2023/trajectory/",
        f"{base}/2024/tracker/",
        f"{base}/2024/review/",
        f"{base}/2024/summary/",
        f"{base}/2024/summary/?format=xlsx",
        f"{base}/2024/comparison/?with=2023",
        f"{base}/2024/comparison/?with=2023&format=xlsx",
    ]
    client.get("/admin/")  # warm up imports and the template loader
    print(f"{'':68} {'seconds':>8} {'queries':>8}")
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        print(f"{url:68} {seconds:7.3f}s {len(queries):8d}")
    database.cleanup()


if __name__ == "__main__":
    main()
