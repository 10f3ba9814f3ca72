"""axe-core (pinned in package-lock.json, served from node_modules) on every public page type,
in Japanese and in English: any serious or critical violation fails the test."""

from decimal import Decimal
from pathlib import Path

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


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGE_RULES = ["html-has-lang", "html-lang-valid", "valid-lang"]


def test_english_pages_mark_japanese_parts_with_a_valid_lang(live_server, axe_page, site):
    """SC 3.1.2: on English pages the plan's Japanese names sit in lang="ja" elements,
    and axe's valid-lang rule checks those marks (it passes only on elements it examined)."""
    for path in PAGE_TYPES[1:6]:  # the pages that show plan content
        axe_page.goto(live_server.url + "/en" + path)
        axe_page.add_script_tag(path=str(AXE))
        result = axe_page.evaluate(
            "async (rules) => { const r = await axe.run(document,"
            " {runOnly: {type: 'rule', values: rules}});"
            " return {violations: r.violations.map(v => v.id),"
            " checked: r.passes.filter(p => p.id === 'valid-lang')"
            ".flatMap(p => p.nodes.map(n => n.html))}; }",
            LANGUAGE_RULES,
        )
        assert result["violations"] == [], path
        assert any('lang="ja"' in html for html in result["checked"]), path
        # The language a screen reader takes for the plan's and the first project's names.
        languages = axe_page.evaluate(
            "() => { const found = [], walker = document.createTreeWalker("
            "document.body, NodeFilter.SHOW_TEXT); while (walker.nextNode()) {"
            " const node = walker.currentNode;"
            " if (['テスト計画', '事業1-0'].includes(node.data.trim()))"
            " found.push(node.parentElement.closest('[lang]').lang); } return found; }"
        )
        assert languages and set(languages) == {"ja"}, path
