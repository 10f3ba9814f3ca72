"""The achievement summary and the comparison of two years, as pages and XLSX."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators import reports
from indicators.models import Actual, Indicator


@pytest.fixture
def plan(build_plan):
    plan = build_plan(projects_per_policy=3, policies=2, published=False)
    # Not a main indicator: left out of the summary's table.
    Indicator.objects.filter(project__number="102").update(is_main=False)
    return plan


@pytest.fixture
def planner_client(client, make_user):
    client.force_login(make_user("planner"))
    return client


def test_summary_has_measures_main_indicators_and_highlights(plan):
    first, second = reports.achievement_summary(plan, 2024)
    assert first.policy.number == 1
    assert [m.title for m in first.measures] == ["施策1"]
    assert [(row.project.number, row.status and row.status.label) for row in first.rows] == [
        ("100", "達成"),
        ("101", "概ね達成"),
        ("102", None),  # project kept, its only indicator is not main
    ]
    assert [h.text for h in first.highlights] == ["取組0", "取組1", "取組2"]
    assert [row.status.label for row in second.rows] == ["達成", "概ね達成", "未達成"]


def test_summary_shows_projects_added_during_the_plan_from_their_year(plan):
    project = plan.projects.get(number="200")
    project.fiscal_year_added = 2024
    project.save()
    assert "200" not in [
        row.project.number for row in reports.achievement_summary(plan, 2023)[1].rows
    ]
    assert "200" in [row.project.number for row in reports.achievement_summary(plan, 2024)[1].rows]


def test_summary_page_and_xlsx(planner_client, plan):
    url = reverse("staff:summary", args=[plan.slug, 2024])
    html = planner_client.get(url).content.decode()
    assert "主な指標とその達成状況" in html
    assert "取組2" in html
    assert "96 人" in html

    response = planner_client.get(url, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["基本方針1", "基本方針2"]
    rows = [list(row) for row in workbook["基本方針2"].iter_rows(values_only=True)]
    header = rows.index(
        [
            "事業番号",
            "事業名",
            "指標",
            "単位",
            "基準値",
            "基準年度",
            "目標値",
            "目標",
            "目標年度",
            "実績",
            "達成状況",
            "計算上の達成状況",
        ]
    )
    assert rows[header + 1] == [
        "200",
        "事業2-0",
        "利用者数",
        "人",
        80,
        2019,
        100,
        "100 人",
        2024,
        100,
        "達成",
        "達成",
    ]
    assert rows[header + 3][9:] == [50, "未達成", "未達成"]
    assert ["200", "事業2-0", "取組0"] == rows[-3][:3]


def test_comparison_of_two_years(planner_client, plan):
    first = Indicator.objects.get(project__number="100")
    Actual.objects.create(indicator=first, fiscal_year=2023, value=Decimal("50"))
    rows = reports.comparison(Indicator.objects.for_plan(plan), 2023, 2024)
    assert [(r.first.label, r.second.label, r.changed) for r in rows][:2] == [
        ("未達成", "達成", True),
        ("", "概ね達成", True),
    ]

    url = reverse("staff:comparison", args=[plan.slug, 2024])
    assert "変化あり" in planner_client.get(url, {"with": "2023"}).content.decode()
    response = planner_client.get(url, {"with": "2023", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content))["年度比較"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][4:6] == ("実績 2023", "達成状況 2023")
    assert values[1] == (1, "100", "利用者数", "人", 50, "未達成", 100, "達成", "変化あり")


@pytest.mark.parametrize("size", [(2, 1), (6, 3)])
# Each includes the second factor's device and the session's sliding expiry (3 to save it);
# the comparison reads the statuses once more for its per-group bars.
@pytest.mark.parametrize("name,queries", [("staff:summary", 18), ("staff:comparison", 15)])
def test_report_queries_are_fixed(
    client, build_plan, make_user, django_assert_num_queries, size, name, queries
):
    plan = build_plan(projects_per_policy=size[0], policies=size[1])
    client.force_login(make_user("planner"))
    with django_assert_num_queries(queries):
        assert client.get(reverse(name, args=[plan.slug, 2024])).status_code == 200


def test_officer_gets_no_report(client, plan, make_user):
    client.force_login(make_user("officer"))
    url = reverse("staff:summary", args=[plan.slug, 2024])
    assert client.get(url, {"format": "xlsx"}).status_code == 403
