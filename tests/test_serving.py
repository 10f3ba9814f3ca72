"""Serving in production: pooled connections, the shared cache, readiness and request logs."""

import json
import logging
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import DatabaseError

from tests.test_project import load_settings
from yumeplan.logs import JsonFormatter


def test_postgresql_connections_come_from_a_pool_without_asking():
    show = "o = s.DATABASES['default']; print(o['OPTIONS']['pool']['max_size'], o['CONN_MAX_AGE'])"
    url = "postgres://someone@db.example:5432/yumeplan"
    assert load_settings(show, SECRET_KEY="k", DATABASE_URL=url).stdout == "4 0\n"
    sized = load_settings(show, SECRET_KEY="k", DATABASE_URL=url, DATABASE_POOL_SIZE="8")
    assert sized.stdout == "8 0\n"
    off = load_settings(
        "print(s.DATABASES['default']['OPTIONS'])", SECRET_KEY="k", DATABASE_URL=url + "?pool=false"
    )
    assert off.stdout == "{'pool': False}\n"


def test_sqlite_keeps_no_pool():
    show = "print(s.DATABASES['default'].get('OPTIONS', {}).get('pool'))"
    assert load_settings(show, SECRET_KEY="k", DATABASE_URL="sqlite:///x.sqlite3").stdout == (
        "None\n"
    )


def test_redis_url_puts_pages_and_the_version_in_the_shared_cache():
    show = (
        "print(s.PUBLIC_CACHE_SHARED, s.CACHES['default']['BACKEND'], "
        "s.CACHES['public_pages']['BACKEND'], s.CACHES['public_pages']['LOCATION'])"
    )
    shared = load_settings(show, SECRET_KEY="k", REDIS_URL="redis://cache.example:6379/2")
    backend = "django.core.cache.backends.redis.RedisCache"
    assert shared.stdout == f"True {backend} {backend} redis://cache.example:6379/2\n"
    alone = load_settings(
        show.replace(", s.CACHES['public_pages']['LOCATION']", ""), SECRET_KEY="k"
    )
    assert alone.stdout == (
        "False django.core.cache.backends.locmem.LocMemCache "
        "yumeplan.public.caching.BoundedLocMemCache\n"
    )


def test_a_process_keeps_public_cache_max_mb_of_pages_with_or_without_redis():
    show = (
        "c = s.CACHES; print(*(c[a]['OPTIONS']['MAX_BYTES'] // 2**20 "
        "for a in ('public_pages', 'public_pages_local') if 'OPTIONS' in c[a]))"
    )
    assert load_settings(show, SECRET_KEY="k", PUBLIC_CACHE_MAX_MB="64").stdout == "32 32\n"
    shared = load_settings(show, SECRET_KEY="k", PUBLIC_CACHE_MAX_MB="64", REDIS_URL="redis://r")
    assert shared.stdout == "64\n"


@pytest.mark.django_db
def test_readyz_answers_ready_when_database_caches_and_migrations_are(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ready\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_names_pending_migrations(client):
    pending = [(SimpleNamespace(app_label="indicators", name="0099_future"), False)]
    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=pending
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"migrations pending: indicators.0099_future\n"


@pytest.mark.django_db
def test_readyz_answers_503_when_the_cache_fails(client):
    with mock.patch(
        "django.core.cache.backends.locmem.LocMemCache.set", side_effect=ConnectionError
    ):
        response = client.get("/readyz")
    assert response.status_code == 503 and response.content == b"cache unavailable\n"


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_does_not(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert b"database unavailable\n" in response.content


@pytest.mark.django_db
def test_each_request_is_logged_once_with_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="yumeplan.request"):
        client.get("/healthz?probe=1")
        client.get("/no-such-page/")
    records = [r for r in caplog.records if r.name == "yumeplan.request"]
    assert [(r.method, r.path, r.status) for r in records] == [
        ("GET", "/healthz", 200),
        ("GET", "/no-such-page/", 404),
    ]
    assert all(r.duration_ms >= 0 for r in records)
    assert records[0].bytes == 3


def test_json_logs_are_one_object_per_line_with_the_request_fields():
    record = logging.LogRecord(
        "yumeplan.request", logging.INFO, __file__, 1, "GET %s", ("/",), None
    )
    record.path, record.status, record.duration_ms = "/計画/", 200, 1.5
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert (entry["message"], entry["path"], entry["status"], entry["duration_ms"]) == (
        "GET /",
        "/計画/",
        200,
        1.5,
    )
    assert entry["level"] == "INFO" and entry["logger"] == "yumeplan.request"
