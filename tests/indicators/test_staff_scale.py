"""The staff pages' SQL against a recount in Python on a synthetic plan, and their paging."""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import achievement, reports, staff_views, working
from indicators.models import Actual, ActualState, Indicator, OfficialStatus
from indicators.services import workflow
from indicators.services.synthetic import END_YEAR, build_synthetic_plan
from indicators.statuses import STATUS_FIELDS, not_reported


@pytest.fixture
def synthetic(db):
    """A small synthetic plan (made-up figures) with official statuses on some indicators:
    the city's word against the computed status, some equal and some not."""
    plan = build_synthetic_plan(slug="scale", projects=60).plan
    for number, indicator in enumerate(Indicator.objects.filter(project__plan=plan)[:12]):
        OfficialStatus.objects.create(
            indicator=indicator,
            fiscal_year=END_YEAR - number % 2,
            status=STATUS_FIELDS[number % 3],
            reason="合成の判断",
        )
    return plan


def _python_counts(plan, fiscal_year):
    """What the dashboard used to count, indicator by indicator in Python."""
    indicators = [
        indicator
        for indicator in Indicator.objects.for_plan(plan)
        if indicator.project.fiscal_year_added is None
        or indicator.project.fiscal_year_added <= fiscal_year
    ]
    statuses = working.statuses(indicators, [fiscal_year, fiscal_year - 1])
    by_policy, by_department = Counter(), Counter()
    differing = []
    for indicator in indicators:
        for year in (fiscal_year, fiscal_year - 1):
            status = statuses.get((indicator.pk, year)) or not_reported(indicator, year)
            code = status.code or "not_reported"
            by_policy[(str(indicator.project.basic_policy), year, code)] += 1
            by_department[(indicator.project.department.name, year, code)] += 1
            if year == fiscal_year and status.differs:
                differing.append(indicator.pk)
    return by_policy, by_department, differing


def _sql_counts(rows, fiscal_year):
    counted = Counter()
    for row in rows:
        for year, counts in ((fiscal_year, row.current), (fiscal_year - 1, row.previous)):
            for name in STATUS_FIELDS:
                if getattr(counts, name):
                    counted[(row.label, year, name)] += getattr(counts, name)
    return counted


@pytest.mark.parametrize("fiscal_year", [END_YEAR, END_YEAR - 2])
def test_dashboard_counts_equal_a_recount_in_python(synthetic, fiscal_year):
    by_policy, by_department, differing = _python_counts(synthetic, fiscal_year)
    indicators = Indicator.objects.filter(project__plan=synthetic)

    board = reports.dashboard(synthetic, fiscal_year)

    assert _sql_counts(board.by_policy, fiscal_year) == by_policy
    assert _sql_counts(board.by_department, fiscal_year) == by_department
    assert board.total.current.total == sum(
        n for (_label, year, _code), n in by_policy.items() if year == fiscal_year
    )
    assert sorted(reports.differences(indicators, fiscal_year).values_list("pk", flat=True)) == (
        sorted(differing)
    )
    assert [row.label for row in board.by_policy] == [f"{n} 合成方針{n}" for n in range(1, 6)]


def test_tracker_counts_equal_a_recount_in_python(synthetic):
    expected = Counter()
    outstanding = set()
    for indicator in Indicator.objects.for_plan(synthetic):
        added = indicator.project.fiscal_year_added
        if added is not None and added > END_YEAR:
            continue
        actual = indicator.actual_for(END_YEAR)
        state = actual.state if actual else "missing"
        expected[(indicator.project.department.name, state)] += 1
        if state in ("missing", ActualState.DRAFT, ActualState.RETURNED):
            outstanding.add(indicator.pk)
    indicators = Indicator.objects.filter(project__plan=synthetic)

    rows = reports.submission_tracker(synthetic, END_YEAR)

    for row in rows:
        assert row.missing == expected[(row.label, "missing")]
        assert row.draft == expected[(row.label, ActualState.DRAFT)]
        assert row.submitted == expected[(row.label, ActualState.SUBMITTED)]
        assert row.approved == (
            expected[(row.label, ActualState.APPROVED)]
            + expected[(row.label, ActualState.PUBLISHED)]
        )
    assert sum(row.indicators for row in rows) == sum(expected.values())
    assert set(reports.outstanding(indicators, END_YEAR).values_list("pk", flat=True)) == (
        outstanding
    )
    assert sum(row.outstanding for row in rows) == len(outstanding)


def _expected_on_line(indicator, fiscal_year):
    if indicator.target_kind not in ("numeric", "maintain"):
        return None
    maintained = indicator.target_kind == "maintain"
    return achievement.expected_on_trajectory(
        baseline_value=indicator.baseline_value,
        baseline_year=indicator.baseline_fiscal_year or indicator.plan.baseline_fiscal_year,
        target_value=indicator.baseline_value if maintained else indicator.target_value,
        target_year=indicator.effective_target_fiscal_year,
        year=fiscal_year,
    )


@pytest.mark.parametrize("fiscal_year", [2021, 2022, 2023])
def test_trajectory_equals_the_line_in_python_worst_first(synthetic, fiscal_year):
    behind = set()
    for indicator in Indicator.objects.for_plan(synthetic):
        if fiscal_year >= indicator.effective_target_fiscal_year:
            continue
        on_track = achievement.is_on_track(
            direction=achievement.Direction(indicator.direction),
            expected=_expected_on_line(indicator, fiscal_year),
            actual=indicator.working_value_for(fiscal_year),
        )
        if on_track is False:
            behind.add(indicator.pk)

    judgements = reports.off_trajectory(synthetic, fiscal_year)
    rows = reports.trajectory_rows(judgements)
    assert reports.off_trajectory_pages(synthetic, fiscal_year, 10).count == len(behind)

    assert behind  # the synthetic plan has indicators behind their line
    assert {row.indicator.pk for row in rows} == behind
    stored = [judgement.working_gap for judgement in judgements]
    assert stored == sorted(stored, reverse=True)
    # The stored gap, which orders the page, is the one the page shows, rounded.
    assert stored == [row.gap.quantize(Decimal("0.000001"), ROUND_HALF_UP) for row in rows]


def test_trajectory_of_a_maintained_target_is_its_baseline(build_plan):
    plan = build_plan(published=False)
    up, down, _other = Indicator.objects.filter(project__basic_policy__number=1).order_by(
        "project__number"
    )
    Indicator.objects.filter(pk__in=[up.pk, down.pk]).update(
        target_kind="maintain", target_value=None, baseline_value=Decimal("80")
    )
    Indicator.objects.filter(pk=down.pk).update(direction="down")
    Actual.objects.create(indicator=up, fiscal_year=2022, value=Decimal("79.5"))
    Actual.objects.create(indicator=down, fiscal_year=2022, value=Decimal("100"))

    rows = reports.trajectory_rows(reports.off_trajectory(plan, 2022))

    assert [(row.indicator, row.expected) for row in rows] == [
        (down, Decimal("80")),  # 25 % above a ceiling of 80
        (up, Decimal("80")),  # 0.6 % below
    ]


@pytest.fixture
def planner_client(client, make_user):
    client.force_login(make_user("planner"))
    return client


def test_trajectory_pages(planner_client, build_plan, monkeypatch):
    """Page 2 lists what follows page 1; a page past the end or not a number shows a valid
    page, as the public search does."""
    plan = build_plan(published=False)
    a, b, _c = Indicator.objects.filter(project__basic_policy__number=1).order_by("project__number")
    Actual.objects.create(indicator=a, fiscal_year=2022, value=Decimal("91"))
    Actual.objects.create(indicator=b, fiscal_year=2022, value=Decimal("70"))
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 1)
    url = reverse("staff:trajectory", args=[plan.slug, 2022])

    def listed(page):
        html = planner_client.get(url, {"page": page}).content.decode()
        return [name for name in (str(a), str(b)) if name in html], html

    first, html = listed(1)
    assert first == [str(b)]
    assert 'href="?page=2" rel="next"' in html
    assert listed(2)[0] == [str(a)]
    assert listed(99)[0] == [str(a)]
    assert listed("x")[0] == [str(b)]


def test_trajectory_is_counted_on_the_plans_own_rows_and_read_a_page_at_a_time(build_plan):
    """The count is the plan's stored summaries'; the page is one query, read by the
    judgements' stored plan and gap."""
    plans = [build_plan(published=False), build_plan(published=False, slug="other")]
    for plan in plans:
        for indicator in Indicator.objects.filter(project__plan=plan)[:3]:
            Actual.objects.create(indicator=indicator, fiscal_year=2022, value=Decimal("70"))
    with CaptureQueriesContext(connection) as queries:
        paginator = reports.off_trajectory_pages(plans[0], 2022, 2)
        assert paginator.count == 3
        page = paginator.page(2)
        assert [row.indicator.plan for row in reports.trajectory_rows(page)] == [plans[0]]

    count, read = (query["sql"] for query in queries.captured_queries)
    assert 'SUM("indicators_workingsummary"."behind_line")' in count
    assert '"indicators_judgement"."plan_id" = ' in read
    assert "LIMIT 1 OFFSET 2" in read  # the third row, the last


def test_comparison_pages_keep_the_other_year(planner_client, build_plan, monkeypatch):
    plan = build_plan(projects_per_policy=3, policies=2, published=False)
    monkeypatch.setattr(staff_views, "COMPARISON_PAGE_SIZE", 4)
    url = reverse("staff:comparison", args=[plan.slug, 2024])

    html = planner_client.get(url, {"with": "2022", "page": "2"}).content.decode()

    assert "201 利用者数" in html and "202 利用者数" in html
    assert "100 利用者数" not in html
    assert 'href="?with=2022&amp;page=1" rel="prev"' in html


def test_dashboard_differences_are_paged(planner_client, build_plan, monkeypatch):
    plan = build_plan(published=False)
    third = Indicator.objects.get(project__number="102")
    sixth = Indicator.objects.get(project__number="202")
    for indicator in (third, sixth):  # 50 of 100: computed 未達成
        OfficialStatus.objects.create(
            indicator=indicator, fiscal_year=2024, status="achieved", reason=f"判断{indicator.pk}"
        )
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 1)
    url = reverse("staff:dashboard", args=[plan.slug, 2024])

    second = planner_client.get(url, {"page": 2}).content.decode()

    assert f"判断{sixth.pk}" in second
    assert f"判断{third.pk}" not in second
    assert "基本方針ごと" in second  # the counts stay on every page


@pytest.mark.parametrize("size", [(2, 1), (6, 3)])
def test_carry_over_queries_do_not_grow(
    client, build_plan, make_user, django_assert_num_queries, size
):
    plan = build_plan(projects_per_policy=size[0], policies=size[1])
    client.force_login(make_user("planner"))
    # session, user, groups, plan, successor, the plan's indicator count (its policies'
    # stored summaries), the ids of a page of indicators and the page, 2 for the admin's
    # header (no successor: no projects to choose from), 1 for the second factor's device
    # and 3 for the session's sliding expiry.
    with django_assert_num_queries(14):
        assert client.get(reverse("staff:carry_over", args=[plan.slug, 2024])).status_code == 200


def test_review_queue_pages_and_returns_to_its_page(
    planner_client, build_plan, make_user, monkeypatch
):
    plan = build_plan(projects_per_policy=3, policies=2, published=False)
    ids = Actual.objects.filter(fiscal_year=2024).values_list("pk", flat=True)
    workflow.submit(user=make_user("planner"), actual_ids=list(ids))
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 4)
    url = reverse("staff:review_queue", args=[plan.slug, 2024])

    html = planner_client.get(url, {"page": 2}).content.decode()

    assert html.count('name="actual"') == 2
    assert "201 利用者数" in html and "100 利用者数" not in html
    first = Actual.objects.get(indicator__project__number="201", fiscal_year=2024)
    response = planner_client.post(f"{url}?page=2", {"actual": [first.pk], "action": "approve"})
    assert response["Location"] == f"{url}?page=2"
