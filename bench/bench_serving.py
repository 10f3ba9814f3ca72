"""Production serving, measured: gunicorn (2 workers per server) on PostgreSQL and Redis.

Run (PostgreSQL and Redis on this machine; the database named in DATABASE_URL gets a
``_bench`` sibling that is dropped afterwards; the Redis database is flushed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yumeplan \\
        .venv/bin/python bench/bench_serving.py [--redis-url redis://127.0.0.1:6379/15]

Prints, from one run with the seed data (the Kanazawa plan, and a small SYNTHETIC plan the
load test's officers and planners work on):
- requests per second of a static file, /healthz and the cached policy page on one server,
  and their ratios (goals: /healthz ≥ 50 % of the static file, policy page ≥ 80 % of /healthz);
  and /healthz on a third server without the connection pool, as before (for comparison);
- the CPU time each of those requests cost the server's workers, PostgreSQL (the bench
  database's connections) and Redis, and the ratio of the totals: unlike requests per
  second, these hardly depend on what else the machine is running;
- how many renders one page costs after a publication across 2 servers × 2 workers (goal 1);
- the load test of a publication day against both servers (bench/locustfile.py): throughput,
  p50/p95/p99 per page and errors (goals: p99 of cached public pages ≤ 50 ms, no error);
  then the citizens' cached pages together: p50/p95/p99 of every one of their requests
  (none left out), the pages the servers rendered meanwhile (a publication's renders; with
  ``--no-warm-up`` also each page's first render), and from the servers' request logs the
  time the workers spent on those pages (what locust measures adds the wait for a thread,
  for the GIL and for the CPU); the load average and the CPU locust itself took.
  Before the run each page the citizens read is requested once (its first render, timed
  apart), as a site's pages are after its first visitors: the goal is about cached pages.
Loopback only; every number is from this machine, shared with whatever else runs on it.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import re
import resource
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from pathlib import Path
from urllib.parse import quote, urlsplit

import psutil  # comes with locust
from _serving import KANAZAWA_SLUG, SEARCHES, Servers, run_locust, wait_until_ready

# the cached public pages (downloads are streamed, not cached), as bench/locustfile.py names them
PUBLIC_PAGES = ["plan", "plan (en)", "policy", "project", "search"]
RENDERED = re.compile(r"yumeplan\.public\.cache rendered \S+ in ([\d.]+)ms")


def _client(job) -> tuple[int, int]:
    """One client process: GET ``path`` again and again for ``seconds``; (ok, errors)."""
    host, port, path, seconds = job
    ok = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                ok += 1
            else:
                errors += 1
        except OSError:
            errors += 1
        finally:
            conn.close()
    return ok, errors


def requests_per_second(url: str, seconds: float, clients: int) -> tuple[float, int]:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    with Pool(clients) as pool:
        results = pool.map(_client, [(parts.hostname, parts.port, path, seconds)] * clients)
    return sum(ok for ok, _ in results) / seconds, sum(errors for _, errors in results)


def cpu_seconds(processes: dict[str, list[psutil.Process]]) -> dict[str, float]:
    """User and system CPU time so far of each group of processes."""
    total = {}
    for name, group in processes.items():
        total[name] = 0.0
        for process in group:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                total[name] += times.user + times.system
    return total


def serving_processes(servers: Servers) -> dict[str, list[psutil.Process]]:
    """The first server's workers, the PostgreSQL backends of the bench database and Redis."""
    database = urlsplit(servers.env["DATABASE_URL"]).path.strip("/")
    found = {"workers": psutil.Process(servers.processes[0].pid).children(), "PostgreSQL": []}
    found["Redis"] = []
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if command.startswith("postgres:") and f" {database} " in command:
            found["PostgreSQL"].append(process)
        elif (process.info["name"] or "").startswith("redis-server"):
            found["Redis"].append(process)
    return found


def measure(url: str, seconds: float, clients: int, servers: Servers) -> tuple[float, dict]:
    """Requests per second from ``clients`` processes, and the CPU µs per request spent
    by each group of serving processes (Redis may serve others on this machine too)."""
    processes = serving_processes(servers)
    before = cpu_seconds(processes)
    rate, errors = requests_per_second(url, seconds, clients)
    after = cpu_seconds(processes)
    served = max(rate * seconds, 1)
    cpu = {name: (after[name] - before[name]) / served * 1e6 for name in before}
    cost = "  ".join(f"{name} {value:4.0f}" for name, value in cpu.items())
    print(f"{rate:8.0f} req/s  ({errors} errors)  CPU µs per request: {cost}")
    return rate, cpu


def renders_after_a_publication(servers: Servers) -> int:
    servers._manage("shell", "-c", "from indicators.cache import bump_public_cache as b; b()")
    before = servers.renders()
    urls = [f"{url}/plans/{KANAZAWA_SLUG}/policies/1/" for url in servers.urls] * 4
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        list(pool.map(lambda u: urllib.request.urlopen(u).read(), urls))
    return servers.renders() - before


REQUEST_LINE = re.compile(r" yumeplan\.request GET (\S+) \d+ ([\d.]+)ms ")


def warm_up(servers: Servers) -> list[float]:
    """Request once each page the citizens of the load test read (all of them: every
    policy and project the API lists, each search, in both languages where they do);
    the durations of the renders this took, in ms."""
    base = f"{servers.urls[0]}/plans/{KANAZAWA_SLUG}"
    api = f"{servers.urls[0]}/api/v1/plans/{KANAZAWA_SLUG}/indicators/"
    with urllib.request.urlopen(api) as answer:
        records = json.load(answer)["indicators"]
    paths = [f"{base}/", f"{servers.urls[0]}/en/plans/{KANAZAWA_SLUG}/"]
    paths += [f"{base}/policies/{n}/" for n in sorted({r["policy_number"] for r in records})]
    paths += [f"{base}/projects/{n}/" for n in sorted({r["project_number"] for r in records})]
    paths += [f"{base}/search/{query}" for query in SEARCHES]
    offsets = [log.stat().st_size for log in servers.logs]
    for path in paths:
        with urllib.request.urlopen(quote(path, safe=":/?=&")) as answer:
            answer.read()
    return server_side(servers, offsets)[1]


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    found = [ordered[min(len(ordered) - 1, int(len(ordered) * q))] for q in (0.5, 0.95, 0.99)]
    return "p50 {:.0f} ms, p95 {:.0f} ms, p99 {:.0f} ms".format(*found)


def server_side(servers: Servers, offsets: list[int]) -> tuple[list[float], list[float]]:
    """From the servers' logs since ``offsets``: how long the workers took over each
    request for a cached public page (the Kanazawa plan's pages: not the API or downloads),
    and how long each of the pages they rendered took."""
    durations, renders = [], []
    for log, offset in zip(servers.logs, offsets, strict=True):
        with log.open(errors="replace") as stream:
            stream.seek(offset)
            for line in stream:
                rendered = RENDERED.search(line)
                if rendered:
                    renders.append(float(rendered.group(1)))
                found = REQUEST_LINE.search(line)
                path = found.group(1) if found else ""
                if f"/plans/{KANAZAWA_SLUG}/" in path and not path.startswith("/api/"):
                    durations.append(float(found.group(2)))
    return sorted(durations), renders


def load_test(servers: Servers, users: int, seconds: int, warm: bool) -> None:
    if warm:
        first = warm_up(servers)
        print(f"\nwarm-up: {len(first)} pages rendered once, {percentiles(first)}")
    offsets = [log.stat().st_size for log in servers.logs]
    load_before, cpu_before = os.getloadavg(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "load"
        result = run_locust(
            servers.urls,
            users=users,
            seconds=seconds,
            csv_prefix=prefix,
            recovery_code="loadtestcode1",
            timings=Path(tmp) / "timings.json",
        )
        with Path(f"{prefix}_stats.csv").open() as stream:
            rows = list(csv.DictReader(stream))
        timings = json.loads((Path(tmp) / "timings.json").read_text())
        failures = Path(f"{prefix}_failures.csv").read_text().splitlines()[1:]
    load_after, cpu_after = os.getloadavg(), resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = sum(
        getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime")
    )
    print(f"\nload test: {users} users for {seconds} s against {len(servers.urls)} servers")
    print(f"{'':22} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    for row in rows:
        print(
            f"{row['Name'][:22]:22} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    public = [row for row in rows if row["Name"] in PUBLIC_PAGES]
    worst = max(float(row["99%"]) for row in public)
    print(f"p99 of the cached public pages, worst page: {worst:.0f} ms")
    every = [time for name in PUBLIC_PAGES for time in timings.get(name, [])]
    print(
        f"the cached public pages together, all {len(every)} requests: {percentiles(every)} "
        "(goal: p99 ≤ 50 ms)"
    )
    durations, renders = server_side(servers, offsets)
    if durations:
        slow = sum(duration > 50 for duration in durations)
        print(
            f"the same pages in the servers' logs (time in the worker, without waiting for a "
            f"thread or for the client): {percentiles(durations)}, {slow} of {len(durations)} "
            f"over 50 ms"
        )
    print(f"pages rendered during the run (all plans, the API): {len(renders)}")
    load = f"{load_before[0]:.2f} / {load_after[0]:.2f}"
    print(f"load average before/after: {load}; locust's CPU: {locust_cpu:.1f} s in {seconds} s")
    for failure in failures:
        print(f"failed: {failure[:300]}")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(f"errors: {total['Failure Count']} (goal 0); locust exit code {result['returncode']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--load-seconds", type=int, default=30, help="0: no load test")
    parser.add_argument(
        "--no-warm-up", action="store_true", help="first renders during the load test too"
    )
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    with Servers(database_url, args.redis_url, count=2, workers=2, name="bench") as servers:
        first = servers.urls[0]
        policy = f"{first}/plans/{KANAZAWA_SLUG}/policies/1/"
        page = urllib.request.urlopen(policy).read().decode()
        static = first + re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        print(f"one server, 2 workers, {args.clients} client processes, {args.seconds} s each")
        rates, cpu = {}, {}
        for name, url in [("static file", static), ("/healthz", f"{first}/healthz"),
                          ("cached policy page", policy)]:  # fmt: skip
            print(f"{name:20}", end="", flush=True)
            rates[name], cpu[name] = measure(url, args.seconds, args.clients, servers)
        print(
            f"/healthz / static file: {rates['/healthz'] / rates['static file']:.0%} (goal ≥ 50 %)"
        )
        print(
            "cached policy page / /healthz: "
            f"{rates['cached policy page'] / rates['/healthz']:.0%} (goal ≥ 80 %); "
            "by the inverse of their CPU per request: "
            f"{sum(cpu['/healthz'].values()) / sum(cpu['cached policy page'].values()):.0%}"
        )
        unpooled, _log = servers.launch(
            {**servers.env, "DATABASE_URL": servers.env["DATABASE_URL"] + "?pool=false"}
        )
        wait_until_ready(unpooled)
        rate, _errors = requests_per_second(f"{unpooled}/healthz", args.seconds, args.clients)
        print(f"/healthz, a new connection per request (?pool=false): {rate:.0f} req/s")
        renders = renders_after_a_publication(servers)
        print(f"renders of one page after a publication, 2 servers × 2 workers: {renders} (goal 1)")
        if args.load_seconds:
            load_test(servers, args.users, args.load_seconds, warm=not args.no_warm_up)


if __name__ == "__main__":
    main()
