"""A public page this process answered before is answered again by PublicPageMiddleware,
ahead of the session, the sign-in and the view: the same bytes and headers, under the
current public version, for visitors without a session only."""

import pytest
from django.core.cache import caches
from django.test import Client

from indicators.cache import bump_public_cache

pytestmark = pytest.mark.django_db


def copies() -> int:
    """How many answers this process keeps for PublicPageMiddleware."""
    return len(caches["public_pages_local"]._cache)


def answered_early(response) -> bool:
    """Answered by PublicPageMiddleware: the session and sign-in middleware, which come
    after it, never saw the request."""
    return not hasattr(response.wsgi_request, "session")


def test_a_second_visit_is_answered_before_the_session_with_the_first_answers_headers(
    client, build_plan
):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/policies/1/"
    first = client.get(url)
    assert not answered_early(first) and copies() == 1
    second = client.get(url)
    assert answered_early(second)
    assert second.status_code == 200 and second.content == first.content
    assert dict(second.headers) == dict(first.headers)
    for header in ("Content-Security-Policy", "Content-Language", "Vary", "X-Frame-Options"):
        assert second[header] == first[header]
    assert "Cache-Control" not in second and not second.cookies


def test_a_copy_costs_one_query_for_the_version_and_nothing_else(
    client, build_plan, django_assert_num_queries
):
    """Without Redis the version is read from the database (with Redis, from Redis only:
    tests/indicators/test_shared_version.py)."""
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    client.get(url)
    with django_assert_num_queries(1) as captured:
        assert answered_early(client.get(url))
    assert "indicators_publicversion" in captured.captured_queries[0]["sql"]


def test_japanese_and_english_pages_are_kept_apart(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    ja, en = f"/plans/{plan.slug}/", f"/en/plans/{plan.slug}/"
    client.get(ja)
    client.get(en)
    assert copies() == 2
    japanese, english = client.get(ja), client.get(en)
    assert answered_early(japanese) and answered_early(english)
    assert japanese["Content-Language"] == "ja" and english["Content-Language"] == "en"
    assert '<html lang="ja"' in japanese.content.decode()
    assert '<html lang="en"' in english.content.decode()


def test_a_query_in_another_order_shares_the_copy_and_unread_parameters_add_none(
    client, build_plan
):
    plan = build_plan(projects_per_policy=2, policies=2)
    url = f"/plans/{plan.slug}/search/"
    one = client.get(url + "?q=事業&policy=1")
    assert copies() == 1
    reordered = client.get(url + "?policy=1&q=事業")
    assert answered_early(reordered) and reordered.content == one.content
    unread = client.get(url + "?q=事業&policy=1&utm_source=mail")
    assert not answered_early(unread) and unread.content == one.content
    assert copies() == 1
    other = client.get(url + "?q=事業&policy=2")
    assert other.content != one.content and copies() == 2


def test_a_publication_is_answered_on_the_next_request(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    client.get(url)
    plan.basic_policies.get().projects.update(name="新しい事業名")  # a bulk write: no signal
    assert "新しい事業名" not in client.get(url).content.decode()  # the copy
    bump_public_cache()
    fresh = client.get(url)
    assert not answered_early(fresh) and "新しい事業名" in fresh.content.decode()
    assert copies() == 1  # the newer answer replaced the copy


def test_a_copy_outlives_another_plans_publication_and_not_its_own(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    client.get(url)
    plan.basic_policies.get().projects.update(name="新しい事業名")  # a bulk write: no signal
    bump_public_cache(plans=["another-plan"])
    kept = client.get(url)
    assert answered_early(kept) and "新しい事業名" not in kept.content.decode()
    bump_public_cache(plans=[plan.slug])
    fresh = client.get(url)
    assert not answered_early(fresh) and "新しい事業名" in fresh.content.decode()
    assert answered_early(client.get(url))  # the plan's new version, kept again


def test_signed_in_staff_always_go_through_the_session(client, build_plan, make_user):
    """Their requests move the session's idle expiry on, and may show what the public
    does not see; nothing they are answered is kept for the public."""
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/"
    Client().get(url)  # a citizen's visit keeps a copy
    client.force_login(make_user("planner"))
    for page in (url, url, f"/staff/plans/{plan.slug}/2024/", "/admin/"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert not answered_early(response) and response.wsgi_request.user.is_staff
        assert "sessionid" in response.cookies  # the session's expiry moved on
    assert copies() == 1


def test_staff_pages_errors_downloads_and_head_requests_are_not_kept(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    for url in (
        f"/staff/plans/{plan.slug}/2024/",  # to the sign-in page
        "/admin/login/",
        "/healthz",
        f"/plans/{plan.slug}/projects/999/",
        f"/data/{plan.slug}/indicators.csv",
    ):
        for _ in range(2):
            assert not answered_early(client.get(url)), url
    assert copies() == 0
    client.get(f"/plans/{plan.slug}/")
    head = client.head(f"/plans/{plan.slug}/")
    assert head.status_code == 200 and not answered_early(head)


def test_a_host_that_is_not_allowed_is_refused_even_when_a_copy_exists(
    client, build_plan, settings
):
    settings.ALLOWED_HOSTS = ["testserver"]
    plan = build_plan(projects_per_policy=1, policies=1)
    client.get(f"/plans/{plan.slug}/")
    assert client.get(f"/plans/{plan.slug}/", HTTP_HOST="evil.example").status_code == 400


def test_each_origin_has_its_own_copy_without_a_site_origin(client, build_plan, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/"
    client.get(url, HTTP_HOST="localhost")
    later = client.get(url)
    assert not answered_early(later) and "localhost" not in later.content.decode()
    assert copies() == 2
