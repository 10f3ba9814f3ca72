"""Public pages and the API are cached until the next publication bumps the version."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from indicators.cache import bump_public_cache, last_changed_at, public_cache_version
from indicators.models import AchievementStatus, Actual, Indicator, OfficialStatus, PublicVersion
from indicators.services.judgements import refresh_judgements
from policies.models import Plan, Project

pytestmark = pytest.mark.django_db

URLS = [
    "/plans/test-plan/",
    "/en/plans/test-plan/",
    "/plans/test-plan/policies/1/",
    "/plans/test-plan/projects/100/",
    "/plans/test-plan/search/?q=事業",
    "/api/v1/plans/test-plan/indicators/",
]


@pytest.mark.parametrize("url", URLS)
def test_a_second_request_reads_only_the_public_version(
    client, build_plan, django_assert_num_queries, url
):
    build_plan(projects_per_policy=2, policies=1)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1) as captured:
        second = client.get(url)
    assert "indicators_publicversion" in captured.captured_queries[0]["sql"]
    assert second.content == first.content


def test_publication_shows_on_the_next_request(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    assert "100 人" in client.get(url).content.decode()
    Actual.objects.update(published_value=Decimal("77"))  # a bulk write: no signal
    refresh_judgements(Actual.objects.values_list("indicator_id", flat=True))
    assert "77 人" not in client.get(url).content.decode()  # still the cached page
    bump_public_cache()
    assert "77 人" in client.get(url).content.decode()


def test_a_publication_reaches_a_process_whose_pages_are_in_its_own_memory(client, build_plan):
    """Another worker process bumps the version in the database; this one's page cache
    still holds the old page, and must not serve it."""
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    assert "100 人" in client.get(url).content.decode()
    Actual.objects.update(published_value=Decimal("77"))
    refresh_judgements(Actual.objects.values_list("indicator_id", flat=True))
    # what bump_public_cache() does in the other process: nothing in this process's caches
    PublicVersion.objects.update(number=F("number") + 1)
    assert "77 人" in client.get(url).content.decode()


def test_a_project_renamed_in_the_admin_or_shell_shows_on_the_next_request(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    assert "新しい事業名" not in client.get(url).content.decode()
    project = Project.objects.get(number="100")
    project.name = "新しい事業名"
    project.save()
    assert "新しい事業名" in client.get(url).content.decode()


def test_an_official_status_recorded_later_shows_on_the_next_request(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    assert "公式判断の理由" not in client.get(url).content.decode()
    OfficialStatus.objects.create(
        indicator=Indicator.objects.get(project__number="100"),
        fiscal_year=plan.target_fiscal_year,
        status=AchievementStatus.MOSTLY_ACHIEVED,
        reason="公式判断の理由",
    )
    assert "公式判断の理由" in client.get(url).content.decode()


def test_saving_a_draft_keeps_the_cached_pages(build_plan):
    build_plan(projects_per_policy=1, policies=1, published=False)
    version = public_cache_version()
    actual = Actual.objects.first()
    actual.value = Decimal("12")
    actual.save()
    assert public_cache_version() == version


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


def test_a_publication_of_another_plan_keeps_this_plans_pages(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    url = f"/plans/{plan.slug}/projects/100/"
    assert "100 人" in client.get(url).content.decode()
    Actual.objects.update(published_value=Decimal("77"))  # a bulk write: no signal
    refresh_judgements(Actual.objects.values_list("indicator_id", flat=True))
    bump_public_cache(plans=["another-plan"])
    assert "77 人" not in client.get(url).content.decode()  # still the cached page
    bump_public_cache(plans=[plan.slug])
    assert "77 人" in client.get(url).content.decode()


def test_a_publication_of_any_plan_renders_the_list_of_plans_again(client, build_plan):
    build_plan(projects_per_policy=1, policies=1)
    build_plan(projects_per_policy=1, policies=1, slug="second-plan")
    assert "新しい計画名" not in client.get("/").content.decode()
    Plan.objects.filter(slug="second-plan").update(name="新しい計画名")  # no signal
    bump_public_cache(plans=["second-plan"])
    assert "新しい計画名" in client.get("/").content.decode()


def test_a_plans_last_change_is_not_moved_by_another_plans_publication(build_plan):
    build_plan(projects_per_policy=1, policies=1)
    long_ago = timezone.make_aware(datetime(2020, 4, 1))
    PublicVersion.objects.update(changed_at=long_ago)
    bump_public_cache(plans=["another-plan"])
    assert last_changed_at("test-plan") == long_ago  # what its page says it was updated
    assert last_changed_at() > long_ago  # the catalogue's: the site changed
    bump_public_cache(plans=["test-plan"])
    assert last_changed_at("test-plan") > long_ago
