"""axe-core (pinned in package-lock.json, served from node_modules) on every public page type,
in Japanese and in English: any serious or critical violation fails the test."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
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
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe_page(browser):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: run `npm ci` (dev.py test does)")
        pytest.skip("axe-core is missing: run `npm ci`")
    # The site's CSP forbids inline scripts; the test context bypasses it to inject axe.
    context = browser.new_context(locale="ja-JP", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


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


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
        [*WCAG_AA, "best-practice"],
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_serious_or_critical_accessibility_violation(live_server, axe_page, site, prefix):
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
