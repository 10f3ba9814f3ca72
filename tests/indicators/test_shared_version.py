"""The public version in Redis, shared by every app server (indicators.cache).

Marked ``serving``: needs Redis (YUMEPLAN_SERVING_TESTS=1, SERVING_REDIS_URL).
"""

import pytest
import redis.connection
from django.core.cache import caches

from indicators.cache import (
    SHARED_KEY,
    SITE,
    _raise_shared_versions,
    bump_public_cache,
    public_cache_version,
    stored_public_version,
)
from policies.models import Project
from tests.serving_support import redis_url

pytestmark = [pytest.mark.serving, pytest.mark.django_db]


@pytest.fixture
def shared_cache(settings):
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url()}
    settings.CACHES = {
        "default": {**redis, "KEY_PREFIX": "test-yumeplan"},
        "public_pages": {**redis, "KEY_PREFIX": "test-yumeplan-pages"},
        "public_pages_local": {
            "BACKEND": "yumeplan.public.caching.BoundedLocMemCache",
            "LOCATION": "test-local",
        },
    }
    settings.PUBLIC_CACHE_SHARED = True
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


def test_the_version_is_read_from_the_database_once_then_from_redis(
    shared_cache, django_assert_num_queries
):
    bump_public_cache()
    number = str(stored_public_version())
    with django_assert_num_queries(1):
        assert public_cache_version() == number
    with django_assert_num_queries(0):
        assert public_cache_version() == number
    with django_assert_num_queries(1):  # the plan's numbers: read together, once
        plan_version = public_cache_version("a-plan")
    with django_assert_num_queries(0):
        assert public_cache_version("a-plan") == plan_version


def test_a_reader_late_with_an_older_number_cannot_lower_it(shared_cache):
    assert _raise_shared_versions((SITE, "*"), (7, 3)) == (7, 3)
    assert _raise_shared_versions((SITE, "*"), (5, 4)) == (7, 4)
    assert caches["default"].get(SHARED_KEY) == 7


def test_a_bump_reaches_redis_when_its_transaction_commits(
    shared_cache, django_capture_on_commit_callbacks
):
    before = public_cache_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bump_public_cache()
    assert public_cache_version() == before  # not committed yet: nothing shared
    for callback in callbacks:
        callback()
    assert int(public_cache_version()) == stored_public_version() > int(before)


def test_no_copy_of_a_page_is_served_once_a_publication_commits(
    shared_cache, client, build_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    client.get(url)  # rendered, stored in Redis and in this process
    assert caches["public_pages_local"].total_bytes() > 0
    Project.objects.filter(number="100").update(name="新しい事業名")  # a bulk write: no signal
    assert "新しい事業名" not in client.get(url).content.decode()  # this process's copy
    with django_capture_on_commit_callbacks(execute=True):
        bump_public_cache()
    assert "新しい事業名" in client.get(url).content.decode()


def test_a_copy_of_a_page_costs_no_query_and_one_round_trip_to_redis(
    shared_cache,
    client,
    build_plan,
    monkeypatch,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/policies/1/"
    first = client.get(url)
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        sent.append(command)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert len(sent) == 1 and b"GET" in b"".join(sent[0])  # the version
    assert not hasattr(second.wsgi_request, "session")  # answered before the session
    assert second.content == first.content and dict(second.headers) == dict(first.headers)


def test_a_publication_of_one_plan_moves_its_version_and_the_sites_only(
    shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bump_public_cache()
    site, first, second = (public_cache_version(p) for p in (None, "first", "second"))
    with django_capture_on_commit_callbacks(execute=True):
        bump_public_cache(plans=["first"])
    assert public_cache_version("second") == second
    assert public_cache_version("first") != first
    assert public_cache_version() != site
    with django_capture_on_commit_callbacks(execute=True):
        bump_public_cache()  # a change of any plan (the admin): every plan's pages
    assert public_cache_version("second") != second
