"""The achievement summary and the comparison of two years, as pages and XLSX."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from openpyxl import Workbook, load_workbook

from indicators import reports
from indicators.models import Actual, Indicator
from indicators.spreadsheet_safety import xlsx_row
from policies.models import Plan


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
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
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
    rows = reports.comparison(reports.comparison_indicators(plan), 2023, 2024)
    assert [(r.first.label, r.second.label, r.changed) for r in rows][:2] == [
        ("未達成", "達成", True),
        ("", "概ね達成", True),
    ]

    url = reverse("staff:comparison", args=[plan.slug, 2024])
    assert "変化あり" in planner_client.get(url, {"with": "2023"}).content.decode()
    response = planner_client.get(url, {"with": "2023", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["年度比較"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][4:6] == ("実績 2023", "達成状況 2023")
    assert values[1] == (1, "100", "利用者数", "人", 50, "未達成", 100, "達成", "変化あり")


def test_comparison_pages_as_a_paginator_over_the_plans_indicators(
    planner_client, build_plan, monkeypatch
):
    """Its length is the policies' stored counts, its pages the ordered list's slices."""
    from django.core.paginator import Paginator

    from indicators import staff_views

    monkeypatch.setattr(staff_views, "COMPARISON_PAGE_SIZE", 4)
    plan = build_plan(projects_per_policy=3, policies=2)
    expected = Paginator(list(reports.comparison_indicators(plan)), 4)
    url = reverse("staff:comparison", args=[plan.slug, 2024])
    for asked, shown in [("1", 1), ("2", 2), ("99", 2), ("x", 1)]:
        page = planner_client.get(url, {"page": asked}).context["page"]
        assert page.paginator.count == 6
        assert [row.pk for row in page] == [row.pk for row in expected.page(shown)]


@pytest.mark.parametrize("size", [(2, 1), (6, 3)])
# summary: the count of the projects, the ids of a page of them (walked in the tables'
# order), the page, their policies and measures, main indicators, statuses and highlights;
# comparison: the plan's stored count,
# the page's ids (walked in the plan's order) and indicators, statuses,
# and the dashboard's counts for its per-group bars (the stored working summaries, policies,
# measures, departments).
# Each includes the second factor's device and the session's sliding expiry (3 to save it).
@pytest.mark.parametrize("name,queries", [("staff:summary", 18), ("staff:comparison", 17)])
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


def body(response) -> bytes:
    """A streamed download, read as a client reads it."""
    return b"".join(response.streaming_content)


DOWNLOADS = [
    ("staff:summary", {"format": "xlsx"}),
    ("staff:comparison", {"format": "xlsx", "with": 2023}),
]


@pytest.mark.parametrize("size", [(2, 1), (6, 3)])
# Both: the view's 8 (sign-in, second factor, session, plan and year). Summary: policies,
# their measures, the summary projects' ids, then a chunk of projects, their main
# indicators and statuses, the highlights' ids and a chunk of highlights. Comparison: the
# indicators' ids, then a chunk of indicators and their statuses.
@pytest.mark.parametrize("download,queries", list(zip(DOWNLOADS, [16, 11], strict=True)))
def test_report_downloads_run_a_fixed_number_of_queries(
    client, build_plan, make_user, django_assert_num_queries, size, download, queries
):
    plan = build_plan(projects_per_policy=size[0], policies=size[1])
    client.force_login(make_user("planner"))
    name, query = download
    with django_assert_num_queries(queries):
        response = client.get(reverse(name, args=[plan.slug, 2024]), query)
        load_workbook(io.BytesIO(body(response)))


def test_downloads_query_a_chunk_of_the_plan_at_a_time(
    planner_client, plan, monkeypatch, django_assert_num_queries
):
    """With chunks of one, the summary (6 projects, 6 highlights) costs 3 queries more per
    project (but for 102, whose indicator is not main: no statuses to read) and 1 per
    highlight, the comparison 2 per indicator: memory holds one chunk of the plan."""
    monkeypatch.setattr(reports, "CHUNK", 1)
    for (name, query), queries in zip(DOWNLOADS, [16 + 5 * 3 - 1 + 5, 11 + 5 * 2], strict=True):
        with django_assert_num_queries(queries):
            body(planner_client.get(reverse(name, args=[plan.slug, 2024]), query))


@pytest.mark.parametrize("name,query", DOWNLOADS)
def test_downloads_start_before_the_rows_are_read(planner_client, plan, monkeypatch, name, query):
    read = []
    for function in ("_summary_cells", "comparison_indicators"):
        original = getattr(reports, function)
        monkeypatch.setattr(reports, function, lambda *args, f=original: read.append(1) or f(*args))
    response = planner_client.get(reverse(name, args=[plan.slug, 2024]), query)
    assert response.streaming and "Content-Length" not in response
    assert response["Content-Disposition"].startswith("attachment; filename=")
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK")  # the workbook has begun...
    assert read == []  # ...and no row of it has been read yet
    load_workbook(io.BytesIO(first + b"".join(chunks)))
    assert read  # (never empty: the fixture's plan has rows)


def test_downloads_are_written_in_the_requests_language(planner_client, plan):
    """The body is read after the view returns, when the thread may have another language
    active (an English public page served since): the workbook keeps the request's."""
    url = reverse("staff:summary", args=[plan.slug, 2024])
    response = planner_client.get(url, {"format": "xlsx"})
    translation.activate("en")
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["基本方針1", "基本方針2"]
    assert ["年度", 2024, "R6"] == [c.value for c in workbook["基本方針1"][3]][:3]
    assert translation.get_language() == "en"  # and the thread's is left as it was


@pytest.fixture
def kanazawa(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    return Plan.objects.get(slug="kanazawa-yumeplan-2020")


def openpyxl_cells(sheets) -> dict[str, list]:
    """The cells openpyxl's write-only workbook gave for the same sheets (how the staff
    workbooks were written before they were streamed), as openpyxl reads them back."""
    workbook = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = workbook.create_sheet(title=name)
        for row in rows:
            sheet.append(xlsx_row(sheet, [str(v) if isinstance(v, Promise) else v for v in row]))
    saved = io.BytesIO()
    workbook.save(saved)
    return read_cells(saved.getvalue())


def read_cells(data: bytes) -> dict[str, list]:
    """Every sheet's cells as (value, type), the type of an empty cell left out."""
    workbook = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [
            [(cell.value, cell.data_type if cell.value is not None else "") for cell in row]
            for row in sheet.iter_rows()
        ]
        for sheet in workbook
    }


def test_kanazawa_workbooks_hold_the_same_cells_as_before(planner_client, kanazawa):
    summary = read_cells(
        body(
            planner_client.get(
                reverse("staff:summary", args=[kanazawa.slug, 2024]), {"format": "xlsx"}
            )
        )
    )
    assert summary == openpyxl_cells(reports._summary_sheets(kanazawa, 2024))
    assert {name: len(rows) for name, rows in summary.items()} == {
        "基本方針1": 19,
        "基本方針2": 21,
        "基本方針3": 19,
        "基本方針4": 21,
        "基本方針5": 16,
    }
    first = [[value for value, _type in row] for row in summary["基本方針1"]]
    assert first[2][:3] == ["年度", 2024, "R6"]
    assert first[9] == [
        "1",
        "かなざわ子育て夢ステーションの設置",
        "実施個所数",
        "か所",
        145,
        2019,
        None,
        "現状維持",
        2024,
        150,
        "達成",
        "達成",
    ]
    assert first[13][4:10] == [99.1, 2019, 99.8, "99.80%", 2024, 99.8]
    assert first[16][:2] == ["R5-1", "めだか親子教室"]

    url = reverse("staff:comparison", args=[kanazawa.slug, 2024])
    comparison = read_cells(body(planner_client.get(url, {"format": "xlsx", "with": 2023})))
    sheets = [("年度比較", reports.comparison_table(kanazawa, 2023, 2024))]
    assert comparison == openpyxl_cells(sheets)
    rows = [[value for value, _type in row] for row in comparison["年度比較"]]
    assert len(rows) == 19
    assert rows[1] == [1, "1", "実施個所数", "か所", None, None, 150, "達成", "変化あり"]


def test_a_policy_without_summary_rows_keeps_its_sheet_and_the_next_its_rows(planner_client, plan):
    """The sheets share one pass over the plan's projects: a policy with none in the
    summary (and no highlights) takes nothing from the next policy's."""
    from policies.models import Highlight

    plan.projects.filter(basic_policy__number=1).update(summary_order=None)
    Highlight.objects.filter(project__basic_policy__number=1).delete()
    url = reverse("staff:summary", args=[plan.slug, 2024])
    workbook = load_workbook(io.BytesIO(body(planner_client.get(url, {"format": "xlsx"}))))
    first, second = ([row[0] for row in sheet.iter_rows(values_only=True)] for sheet in workbook)
    assert first[first.index("事業番号") + 1 :] == [None, "主な取組実績"]
    assert second[second.index("事業番号") + 1 :] == [
        "200",
        "201",
        "202",
        None,
        "主な取組実績",
        "200",
        "201",
        "202",
    ]
