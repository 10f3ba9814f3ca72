"""The read-only JSON API (docs/api.md): published figures only, decimals as written."""

from decimal import Decimal

import pytest

from indicators.models import Actual, Indicator, OfficialStatus

pytestmark = pytest.mark.django_db

LICENCE_LINK = '<https://creativecommons.org/licenses/by/4.0/deed.ja>; rel="license"'


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == LICENCE_LINK
    return response.json()


def test_plans_lists_slug_name_and_period(client, build_plan):
    build_plan(slug="one")
    data = get_json(client, "/api/v1/plans/")
    assert data["licence"]["name"] == "CC BY 4.0"
    [plan] = data["plans"]
    assert plan["slug"] == "one" and plan["name"] == "テスト計画"
    assert (plan["start_fiscal_year"], plan["end_fiscal_year"]) == (2020, 2024)
    assert plan["indicators_url"] == "http://testserver/api/v1/plans/one/indicators/"


def test_indicators_carry_every_documented_field(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=1)
    indicator = Indicator.objects.get(project__number="100")
    indicator.unit, indicator.decimals, indicator.baseline_decimals = "%", 2, 1
    indicator.baseline_value, indicator.target_value = Decimal("99.1"), Decimal("99.8")
    indicator.save()
    Actual.objects.filter(indicator=indicator).update(published_value=Decimal("99.8"))
    data = get_json(client, f"/api/v1/plans/{plan.slug}/indicators/")
    assert data["plan"]["slug"] == plan.slug and data["licence"]["name"] == "CC BY 4.0"
    first, second = data["indicators"]
    assert first["project_number"] == "100" and first["project_name"] == "事業1-0"
    assert first["policy_number"] == 1 and first["indicator"] == "利用者数"
    assert first["unit"] == "%" and first["direction"] == "up"
    assert first["baseline"] == {"value": "99.1", "fiscal_year": 2019}
    assert first["target"] == {
        "kind": "numeric",
        "wording": "",
        "value": "99.80",
        "fiscal_year": 2024,
    }
    assert first["actuals"] == [{"fiscal_year": 2024, "value": "99.80", "note": ""}]
    assert first["status"]["code"] == "achieved" and first["status"]["label"] == "達成"
    assert second["status"]["code"] == "mostly_achieved"
    assert second["status"]["label"] == "概ね達成"


def test_qualitative_target_and_official_status(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    Indicator.objects.filter(project__number="102").update(
        target_kind="maintain", target_value=None, target_wording="現状維持"
    )
    indicator = Indicator.objects.get(project__number="102")
    OfficialStatus.objects.create(indicator=indicator, fiscal_year=2024, status="not_achieved")
    data = get_json(client, f"/api/v1/plans/{plan.slug}/indicators/")
    third = data["indicators"][2]
    assert third["target"]["kind"] == "maintain" and third["target"]["value"] is None
    assert third["target"]["wording"] == "現状維持"
    assert third["status"]["official"] is True and third["status"]["code"] == "not_achieved"


def test_only_published_figures_and_null_status_when_not_reported(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    Actual.objects.create(
        indicator=Indicator.objects.get(),
        fiscal_year=2022,
        value=Decimal("70"),
        published_value=Decimal("65"),
    )
    [record] = get_json(client, f"/api/v1/plans/{plan.slug}/indicators/")["indicators"]
    assert record["actuals"] == [{"fiscal_year": 2022, "value": "65", "note": ""}]
    assert record["status"]["code"] is None and record["status"]["label"] is None


def test_unknown_plan_is_404_and_the_api_is_read_only(client, build_plan):
    plan = build_plan(policies=1)
    assert client.get("/api/v1/plans/nope/indicators/").status_code == 404
    assert client.post(f"/api/v1/plans/{plan.slug}/indicators/").status_code == 405


@pytest.mark.parametrize("projects_per_policy", [1, 8])
def test_api_runs_a_fixed_number_of_queries(
    client, build_plan, django_assert_num_queries, projects_per_policy
):
    plan = build_plan(projects_per_policy=projects_per_policy, policies=2)
    with django_assert_num_queries(2):
        client.get("/api/v1/plans/")
    # the public version, plan, the policies' stored counts, the page's ids, last
    # publication, then the page's indicators (with project, policy, measure,
    # department), published actuals, statuses
    with django_assert_num_queries(8):
        client.get(f"/api/v1/plans/{plan.slug}/indicators/")


def test_indicators_come_a_page_at_a_time_with_links_to_the_next(client, build_plan, monkeypatch):
    from yumeplan.public import opendata

    plan = build_plan(projects_per_policy=3, policies=1)
    url = f"/api/v1/plans/{plan.slug}/indicators/"
    monkeypatch.setattr(opendata, "API_PAGE_SIZE", 2)
    first = get_json(client, url)
    assert first["count"] == 3 and first["previous"] is None
    assert [i["project_number"] for i in first["indicators"]] == ["100", "101"]
    assert first["next"] == f"{url}?page=2"
    second = get_json(client, first["next"])
    assert [i["project_number"] for i in second["indicators"]] == ["102"]
    assert second["next"] is None and second["previous"] == f"{url}?page=1"
    # past the end, not a page, or past SQL's OFFSET and int()'s digits: 404, never 500
    for wrong in ["0", "3", "x", "-1", "1" + "0" * 30, "9" * 5000]:
        assert client.get(f"{url}?page={wrong}").status_code == 404


def test_pages_across_policies_list_the_plan_in_order(client, build_plan, monkeypatch):
    """Pages within a policy and pages across two are read from the policies' stored
    counts; together they are the plan's list, in its order, each indicator once."""
    from policies.models import Project
    from yumeplan.public import opendata

    plan = build_plan(projects_per_policy=4, policies=3)
    project = Project.objects.filter(basic_policy__number=2).first()
    Indicator.objects.create(  # a second indicator, and a policy of another length
        project=project, name="第二の指標", unit="件", target_value=1, order=2
    )
    url = f"/api/v1/plans/{plan.slug}/indicators/"
    expected = list(opendata.plan_indicators(plan).values_list("project__number", "name"))
    monkeypatch.setattr(opendata, "API_PAGE_SIZE", 3)
    listed, number = [], 1
    while number:
        page = get_json(client, f"{url}?page={number}")
        assert page["count"] == len(expected) == 13
        listed += [(i["project_number"], i["indicator"]) for i in page["indicators"]]
        number = number + 1 if page["next"] else None
    assert listed == expected


def test_the_plan_says_when_its_figures_were_last_published(client, build_plan):
    from datetime import UTC, datetime

    from indicators.services.summaries import refresh_plan_summaries

    plan = build_plan(projects_per_policy=2, policies=1)
    Actual.objects.update(published_at=datetime(2025, 3, 31, 15, tzinfo=UTC))
    refresh_plan_summaries(plan.pk)  # as the publication service does
    data = client.get(f"/api/v1/plans/{plan.slug}/indicators/").json()
    assert data["plan"]["last_published_at"] == "2025-03-31T15:00:00+00:00"
    Actual.objects.update(published_value=None, published_at=None)
    other = build_plan(projects_per_policy=1, policies=1, slug="unpublished", published=False)
    data = client.get(f"/api/v1/plans/{other.slug}/indicators/").json()
    assert data["plan"]["last_published_at"] is None
