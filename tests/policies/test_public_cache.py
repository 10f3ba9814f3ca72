"""Public pages and the API are cached until the next publication bumps the version."""

from decimal import Decimal

import pytest

from indicators.cache import bump_public_cache
from indicators.models import Actual

pytestmark = pytest.mark.django_db

URLS = [
    "/plans/test-plan/",
    "/en/plans/test-plan/",
    "/plans/test-plan/policies/1/",
    "/plans/test-plan/projects/100/",
    "/plans/test-plan/search/?q=事業",
    "/api/v1/plans/test-plan/indicators/",
    "/data/test-plan/indicators.csv",
]


@pytest.mark.parametrize("url", URLS)
def test_a_second_request_runs_no_query(client, build_plan, django_assert_num_queries, url):
    build_plan(projects_per_policy=2, policies=1)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content


def test_publication_shows_on_the_next_request(
    client, build_plan, django_capture_on_commit_callbacks
):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    assert "100 人" in client.get(url).content.decode()
    Actual.objects.update(published_value=Decimal("77"))
    assert "77 人" not in client.get(url).content.decode()  # still the cached page
    with django_capture_on_commit_callbacks(execute=True):
        bump_public_cache()
    assert "77 人" in client.get(url).content.decode()


def test_languages_and_filter_states_are_cached_apart(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    assert "3 件" in client.get(f"/plans/{plan.slug}/search/").content.decode()
    assert "1 件" in client.get(f"/plans/{plan.slug}/search/?status=achieved").content.decode()
    assert "3 results" in client.get(f"/en/plans/{plan.slug}/search/").content.decode()


def test_errors_are_not_cached(client, build_plan):
    build_plan(policies=1)
    assert client.get("/plans/other/").status_code == 404
    build_plan(policies=1, slug="other")
    assert client.get("/plans/other/").status_code == 200
