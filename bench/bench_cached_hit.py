"""What one cached public page costs a worker: CPU, database queries and Redis round trips.

Run (PostgreSQL and Redis optional; without REDIS_URL the version is read from the database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yumeplan \\
    REDIS_URL=redis://127.0.0.1:6379/15 SECRET_KEY=x .venv/bin/python bench/bench_cached_hit.py

Loads the Kanazawa plan into a throwaway database (and flushes the Redis database given),
then sends each URL through Django's WSGI handler, with the whole middleware stack and the
request log, as gunicorn's worker does (no network: the numbers leave out gunicorn's HTTP
parsing and the client). Per request, after the first: queries, Redis round trips and CPU
time (``time.process_time``, which other processes on the machine do not inflate much, unlike
wall time). ``--profile tottime`` prints cProfile's top functions of the policy page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import time

from _django import count_queries, setup_throwaway_django

URLS = [
    "/healthz",
    "/plans/kanazawa-yumeplan-2020/",
    "/en/plans/kanazawa-yumeplan-2020/",
    "/plans/kanazawa-yumeplan-2020/policies/1/",
    "/plans/kanazawa-yumeplan-2020/projects/1/",
    "/plans/kanazawa-yumeplan-2020/search/?q=%E6%94%AF%E6%8F%B4&policy=1",
    "/api/v1/plans/kanazawa-yumeplan-2020/indicators/",
]


def environ(url: str) -> dict:
    """What gunicorn hands the app for a browser's GET without cookies."""
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_ACCEPT_LANGUAGE": "ja,en;q=0.8",
        "HTTP_USER_AGENT": "bench_cached_hit",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def request(app, url: str) -> tuple[str, bytes]:
    status = []
    body = app(environ(url), lambda line, headers, *exc: status.append(line))
    try:
        return status[0], b"".join(body)
    finally:
        body.close()


class RedisRoundTrips:
    """Counts the commands redis-py sends (a pipeline counts once)."""

    def __init__(self):
        import redis.connection

        self.count = 0
        self._class = redis.connection.AbstractConnection
        self._send = self._class.send_packed_command

    def __enter__(self):
        counter = self

        def send(connection, *args, **kwargs):
            counter.count += 1
            return counter._send(connection, *args, **kwargs)

        self._class.send_packed_command = send
        return self

    def __exit__(self, *exc):
        self._class.send_packed_command = self._send


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="cached hits timed per URL")
    parser.add_argument(
        "--profile", metavar="SORT", help="print cProfile's top functions (tottime, cumulative)"
    )
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("SITE_ORIGIN", "https://plan.example.lg.jp")
    database = setup_throwaway_django()
    try:
        run(args)
    finally:
        database.cleanup()


def run(args) -> None:
    from django.conf import settings
    from django.core.cache import caches
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    # No collectstatic here: name static files without the manifest's hashes, as tests do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    for cache in caches.all():
        cache.clear()
    # the request log is written, as in production, but to nowhere
    for handler in logging.getLogger().handlers:
        handler.setStream(open(os.devnull, "w"))
    app = WSGIHandler()
    shared = "Redis" if settings.PUBLIC_CACHE_SHARED else "no Redis"
    print(f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[1]}, {shared}; "
          f"per request after the first, {args.requests} requests each")  # fmt: skip
    print(f"{'':62} {'bytes':>7} {'queries':>7} {'redis':>5} {'CPU µs':>7} {'wall µs':>7}")
    for url in URLS:
        status, body = request(app, url)
        assert status.startswith("200"), (url, status)
        request(app, url)
        with count_queries() as queries, RedisRoundTrips() as redis:
            for _ in range(10):
                request(app, url)
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            request(app, url)
        cpu = (time.process_time() - cpu) / args.requests * 1e6
        wall = (time.perf_counter() - wall) / args.requests * 1e6
        print(
            f"{url[:62]:62} {len(body):7} {queries[0] / 10:7.1f} {redis.count / 10:5.1f} "
            f"{cpu:7.0f} {wall:7.0f}"
        )
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            request(app, URLS[3])
        profile.disable()
        pstats.Stats(profile).sort_stats(args.profile).print_stats(30)


if __name__ == "__main__":
    main()
