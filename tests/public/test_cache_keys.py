"""Cached public responses depend on neither who asked first nor on parameters views ignore."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from yumeplan.public import caching
from yumeplan.public.caching import BoundedLocMemCache, page_key

pytestmark = pytest.mark.django_db


def page_entries() -> int:
    return len(caches["public_pages"]._cache)


def test_the_plans_api_names_urls_under_the_site_origin_whoever_asked_first(
    client, build_plan, settings
):
    settings.SITE_ORIGIN = "https://plan.city.example.lg.jp"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    build_plan(slug="one")
    first = client.get(
        "/api/v1/plans/", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https"
    ).json()
    later = client.get("/api/v1/plans/").json()
    expected = "https://plan.city.example.lg.jp/api/v1/plans/one/indicators/"
    assert first["plans"][0]["indicators_url"] == expected
    assert later["plans"][0]["indicators_url"] == expected


def test_without_a_site_origin_each_origin_gets_its_own_entry(client, build_plan, settings):
    """Pages that print their origin (canonical links, the sitemap, the feed) are never
    served to a request from another origin."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    build_plan(slug="one")
    url = "/plans/one/"
    first = client.get(url, HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    later = client.get(url).content.decode()
    assert "https://localhost/plans/one/" in first.content.decode()
    assert "localhost" not in later
    assert '<link rel="canonical" href="http://testserver/plans/one/">' in later


def test_the_canonical_link_follows_the_site_origin(client, build_plan, settings):
    settings.SITE_ORIGIN = "https://plan.city.example.lg.jp"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    build_plan(slug="one")
    page = client.get("/plans/one/", HTTP_HOST="localhost").content.decode()
    assert '<link rel="canonical" href="https://plan.city.example.lg.jp/plans/one/">' in page
    assert 'href="https://plan.city.example.lg.jp/en/plans/one/"' in page
    entries = page_entries()
    assert client.get("/plans/one/").content.decode() == page  # one entry for every host
    assert page_entries() == entries


def test_the_sitemap_names_the_site_origin(client, build_plan, settings):
    settings.SITE_ORIGIN = "https://plan.city.example.lg.jp"
    build_plan(slug="one")
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://plan.city.example.lg.jp/sitemap-plans.xml</loc>" in index
    assert "testserver" not in index
    sitemap = client.get("/sitemap-plans.xml").content.decode()
    assert "<loc>https://plan.city.example.lg.jp/plans/one/</loc>" in sitemap
    assert "testserver" not in sitemap


def test_the_language_switch_keeps_only_what_the_page_reads(client, build_plan):
    """The first request's unread parameters must not reach the cached page's links."""
    plan = build_plan(projects_per_policy=1, policies=1)
    first = client.get(f"/plans/{plan.slug}/search/?utm_source=mail&q=事業").content.decode()
    assert "utm_source" not in first
    assert "q=%E4%BA%8B%E6%A5%AD" in first


def test_a_query_string_a_page_does_not_read_adds_no_entry(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/"
    first = client.get(url)
    entries = page_entries()
    for junk in ("?utm_source=x", "?a=1&b=2", "?page=3"):
        assert client.get(url + junk).content == first.content
    assert page_entries() == entries


def test_search_keys_by_the_parameters_it_reads_in_any_order(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=2)
    url = f"/plans/{plan.slug}/search/"
    one = client.get(url + "?q=事業&policy=1")
    entries = page_entries()
    assert client.get(url + "?policy=1&q=事業&utm=z").content == one.content
    assert page_entries() == entries
    other = client.get(url + "?q=事業&policy=2")
    assert other.content != one.content
    assert page_entries() == entries + 1


def test_the_key_uses_the_last_value_as_the_view_does():
    factory = RequestFactory()
    reads = ("q",)
    assert page_key(factory.get("/s/?q=a&q=b"), reads) == page_key(factory.get("/s/?q=b"), reads)
    assert page_key(factory.get("/s/?q=a"), reads) != page_key(factory.get("/s/?q=b"), reads)


def test_a_worker_waits_for_the_page_another_is_rendering(client, build_plan, monkeypatch):
    """Another worker holds the render lock and stores the page while this one waits:
    this one serves that page and renders nothing."""
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/"
    client.get(url)
    caches["public_pages_local"].clear()  # this worker has kept no copy of its own
    cache = caches["public_pages"]
    key = page_key(RequestFactory().get(url), (), plan=plan.slug)
    stored = cache.get(key)
    cache.delete(key)
    cache.add(f"{key}:rendering", 1)
    stored.content = b"rendered by the other worker"

    def other_worker_finishes(seconds):
        cache.set(key, stored)

    monkeypatch.setattr(caching.time, "sleep", other_worker_finishes)
    assert client.get(url).content == b"rendered by the other worker"


def test_a_worker_renders_itself_when_the_other_render_gave_up(client, build_plan, monkeypatch):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/"
    cache = caches["public_pages"]
    key = page_key(RequestFactory().get(url), (), plan=plan.slug)
    cache.add(f"{key}:rendering", 1)
    monkeypatch.setattr(caching.time, "sleep", lambda s: cache.delete(f"{key}:rendering"))
    response = client.get(url)
    assert response.status_code == 200 and plan.name in response.content.decode()
    assert cache.get(key) is not None


def test_each_render_is_logged_once(client, build_plan, caplog):
    plan = build_plan(projects_per_policy=1, policies=1)
    with caplog.at_level("INFO", logger="yumeplan.public.cache"):
        client.get(f"/plans/{plan.slug}/")
        client.get(f"/plans/{plan.slug}/")
    renders = [r for r in caplog.records if r.name == "yumeplan.public.cache"]
    assert [r.getMessage().startswith("rendered ") for r in renders] == [True]


def make_bounded(name, **options):
    cache = BoundedLocMemCache(name, {"OPTIONS": options})
    cache.clear()
    return cache


def test_the_memory_cache_is_bounded_in_bytes_dropping_the_least_recently_used():
    cache = make_bounded("bounded-test", MAX_BYTES=10_000, MAX_ENTRY_BYTES=5_000, MAX_ENTRIES=100)
    for n in range(5):
        cache.set(f"page{n}", b"x" * 3000)
        cache.get("page0")  # page0 stays recently used
    assert cache.total_bytes() <= 10_000
    assert cache.get("page0") is not None and cache.get("page4") is not None
    assert cache.get("page1") is None


def test_an_entry_larger_than_its_share_is_not_kept():
    cache = make_bounded("bounded-test-large", MAX_BYTES=10_000, MAX_ENTRY_BYTES=2_000)
    cache.set("small", b"x" * 1000)
    cache.set("huge", b"x" * 5000)
    assert cache.get("huge") is None and cache.get("small") is not None
    cache.set("small", b"x" * 5000)  # replacing an entry by a too large one drops it
    assert cache.get("small") is None and cache.total_bytes() == 0


def test_the_entry_count_still_bounds_the_memory_cache():
    cache = make_bounded("bounded-test-count", MAX_BYTES=10**6, MAX_ENTRIES=3)
    for n in range(5):
        cache.set(f"k{n}", n)
    assert len(cache._cache) == 3 and cache.get("k4") == 4 and cache.get("k0") is None


@pytest.mark.parametrize(
    "path", ["/plans/test-plan/policies/1/", "/api/v1/plans/test-plan/indicators/"]
)
def test_paged_answers_key_by_their_page_only(client, build_plan, path):
    build_plan(projects_per_policy=2, policies=1)
    first = client.get(path + "?page=1")
    entries = page_entries()
    assert client.get(path + "?page=1&sort=x").content == first.content
    assert page_entries() == entries
    client.get(path)  # no page given: a state of its own
    assert page_entries() == entries + 1
