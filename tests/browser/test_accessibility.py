"""axe-core (pinned in package-lock.json, served from node_modules) on every public page type,
in Japanese and in English: any serious or critical violation fails the test."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = [
    "/",
    "/plans/test-plan/",
    "/plans/test-plan/policies/1/",
    "/plans/test-plan/projects/100/",
    "/plans/test-plan/projects/102/",
    "/plans/test-plan/search/?status=achieved",
    "/plans/test-plan/search/?q=%E3%81%AA%E3%81%84",
    "/accessibility/",
]


@pytest.fixture
def site(build_plan):
    from indicators.models import Actual, ActualCorrection, Indicator

    build_plan(projects_per_policy=3, policies=2)
    build_plan(projects_per_policy=1, policies=1, slug="second-plan")
    indicator = Indicator.objects.get(project__number="100", project__plan__slug="test-plan")
    for year, value in [(2021, "60"), (2022, "75")]:
        Actual.objects.create(
            indicator=indicator,
            fiscal_year=year,
            value=Decimal(value),
            published_value=Decimal(value),
        )
    ActualCorrection.objects.create(
        actual=Actual.objects.get(indicator=indicator, fiscal_year=2024),
        old_value=Decimal("10"),
        new_value=Decimal("100"),
        reason="桁の誤り",
    )


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_serious_or_critical_accessibility_violation(
    live_server, axe_page, serious_violations, site, prefix
):
    found = {}
    for path in PAGE_TYPES:
        response = axe_page.goto(live_server.url + prefix + path)
        assert response.status == 200, path
        expected_lang = "en" if prefix else "ja"
        assert axe_page.locator("html").get_attribute("lang") == expected_lang
        violations = serious_violations(axe_page)
        if violations:
            found[prefix + path] = violations
    assert found == {}
