"""Time the planners' status pages and reports on a synthetic plan.

Run: SECRET_KEY=x [DATABASE_URL=postgres://…/NAME] .venv/bin/python bench/bench_staff.py
     [--projects 400]

Builds a SYNTHETIC plan (``generate_synthetic_plan``'s made-up names and figures, not a
city's data) in a throwaway database (SQLite, or PostgreSQL's test_NAME), signs in a planner and prints,
for each status page and report, the seconds until the response is ready (for the XLSX
downloads: the workbook written), its size and the number of queries of one first
request, and for the downloads the peak of memory Python allocated (tracemalloc, a
second request). Pages past the end show how deep paging costs.
"""

from __future__ import annotations

import time
import tracemalloc

from _django import (
    analyze,
    count_queries,
    make_planner,
    signed_in_client,
    synthetic_plan_from_arguments,
)

LAST = "page=999999"  # past the end: the last page


def main() -> None:
    database = synthetic_plan_from_arguments()

    analyze()
    client = signed_in_client(make_planner())

    base = "/staff/plans/bench-synthetic"
    urls = [
        f"{base}/2024/",
        f"{base}/2024/?{LAST}",
        f"{base}/2023/trajectory/",
        f"{base}/2023/trajectory/?{LAST}",
        f"{base}/2024/tracker/",
        f"{base}/2024/review/",
        f"{base}/2024/review/?{LAST}",
        f"{base}/2024/summary/",
        f"{base}/2024/summary/?{LAST}",
        f"{base}/2024/comparison/?with=2023",
        f"{base}/2024/comparison/?with=2023&{LAST}",
        f"{base}/2024/carry-over/",
        f"{base}/2024/summary/?format=xlsx",
        f"{base}/2024/comparison/?with=2023&format=xlsx",
    ]
    client.get("/admin/")  # warm up imports and the template loader
    print(f"{'':56} {'seconds':>8} {'KB':>8} {'queries':>8} {'peak MB':>8}")
    for url in urls:
        with count_queries() as queries:
            start = time.perf_counter()
            response = client.get(url)
            # A streamed workbook is written as it is read: time and count it all.
            body = b"".join(response.streaming_content) if response.streaming else response.content
            seconds = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        peak = _peak_megabytes(client, url) if "format=xlsx" in url else ""
        print(f"{url:56} {seconds:7.3f}s {len(body) / 1024:8.1f} {queries[0]:8d} {peak:>8}")
    database.cleanup()


def _peak_megabytes(client, url: str) -> str:
    tracemalloc.start()
    response = client.get(url)
    b"".join(response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return f"{peak / 2**20:.1f}"


if __name__ == "__main__":
    main()
