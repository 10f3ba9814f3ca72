"""Search and filter across a plan: words, policy, measure, department, status; counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from policies.models import Department, Measure, Project

pytestmark = pytest.mark.django_db


def search(client, plan, **params):
    url = reverse("public:search", kwargs={"slug": plan.slug})
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def edit(rows, **fields):
    """Change ``rows`` as the admin does, one save each (what the search finds is kept
    in step with saves, not with raw updates)."""
    for row in rows:
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()


def numbers(response):
    return [row.project.number for row in response.context["results"]]


def test_without_filters_every_project_is_listed_with_a_count(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    response = search(client, plan)
    assert numbers(response) == ["100", "101", "102", "200", "201", "202"]
    assert "6 件" in response.content.decode()


def test_words_match_project_and_indicator_names_all_words_required(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    edit(Indicator.objects.filter(project__number="201"), name="派遣回数", name_en="Dispatches")
    assert numbers(search(client, plan, q="事業2-")) == ["200", "201", "202"]
    assert numbers(search(client, plan, q="派遣")) == ["201"]
    assert numbers(search(client, plan, q="dispatches")) == ["201"]
    assert numbers(search(client, plan, q="事業2 派遣")) == ["201"]
    response = search(client, plan, q="ないもの")
    assert numbers(response) == [] and "0 件" in response.content.decode()
    assert "条件に合う事業や指標はありません" in response.content.decode()


def test_filter_by_policy_measure_department_and_status(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    department = Department.objects.create(name="保育幼稚園課")
    edit(Project.objects.filter(number__in=["101", "202"]), department=department)
    measure = Measure.objects.get(basic_policy__number=2)
    assert numbers(search(client, plan, policy="1")) == ["100", "101", "102"]
    assert numbers(search(client, plan, measure=str(measure.pk))) == ["200", "201", "202"]
    assert numbers(search(client, plan, department=str(department.pk))) == ["101", "202"]
    assert numbers(search(client, plan, status="achieved")) == ["100", "200"]
    assert numbers(search(client, plan, status="not_achieved", policy="2")) == ["202"]


def test_not_reported_status_and_projects_without_indicators(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=1, published=False)
    project = Project.objects.get(number="100")
    Project.objects.create(basic_policy=project.basic_policy, number="R6-1", name="宅食")
    assert numbers(search(client, plan, status="none")) == ["100", "101", "R6-1"]
    html = search(client, plan, q="宅食").content.decode()
    assert "指標の記載なし" in html


def test_each_filter_state_has_its_own_url_and_the_form_keeps_it(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=2)
    html = search(client, plan, q="事業", policy="2", status="achieved").content.decode()
    assert 'name="q" value="事業"' in html
    assert '<option value="2" selected>' in html
    assert '<option value="achieved" selected>' in html
    assert 'method="get"' in html


def test_plan_page_links_to_search(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="{reverse("public:search", kwargs={"slug": plan.slug})}"' in html


@pytest.mark.parametrize("projects_per_policy", [1, 10])
def test_search_runs_a_fixed_number_of_queries(
    client, build_plan, django_assert_num_queries, projects_per_policy
):
    plan = build_plan(projects_per_policy=projects_per_policy, policies=3)
    department = Department.objects.create(name="課")
    edit(Project.objects.all(), department=department)
    Indicator.objects.filter(project__number="100").update(target_value=Decimal("90"))
    # the public version, plan, projects, indicators, actuals, official statuses, policies, measures, departments
    with django_assert_num_queries(9):
        search(client, plan, q="事業", status="achieved")


def test_results_come_fifty_to_a_page_with_links_that_keep_the_filters(client, build_plan):
    plan = build_plan(projects_per_policy=60, policies=2)  # 120 projects, 40 achieved
    first = search(client, plan)
    assert len(numbers(first)) == 50
    html = first.content.decode()
    assert "120 件（1–50 件目）" in html
    assert '<span aria-current="page">1</span>' in html
    assert 'href="?page=2" rel="next"' in html
    third = search(client, plan, page=3)
    assert numbers(third) == [str(200 + i) for i in range(40, 60)]
    assert "120 件（101–120 件目）" in third.content.decode()
    assert 'rel="next"' not in third.content.decode()

    filtered = search(client, plan, q="事業", status="achieved")
    assert len(numbers(filtered)) == 40
    assert "件目" not in filtered.content.decode()  # one page: no range, no page links
    assert 'class="pagination"' not in filtered.content.decode()

    policy_one = search(client, plan, policy="1", page=2)
    assert numbers(policy_one) == [str(100 + i) for i in range(50, 60)]
    assert 'href="?policy=1&amp;page=1" rel="prev"' in policy_one.content.decode()


def test_a_page_out_of_range_or_not_a_number_shows_a_valid_page(client, build_plan):
    plan = build_plan(projects_per_policy=60, policies=1)
    assert numbers(search(client, plan, page="abc"))[0] == "100"
    assert numbers(search(client, plan, page="99"))[0] == "150"


def test_a_page_number_past_any_plan_shows_the_last_page(client, build_plan):
    plan = build_plan(projects_per_policy=60, policies=1)
    response = search(client, plan, page="1" + "0" * 30)  # past SQL's OFFSET too
    assert numbers(response)[0] == "150"
    assert numbers(search(client, plan, page="0"))[0] == "150"  # as Paginator.get_page


def test_results_follow_the_plan_order_indicators_then_projects_outside_the_table(
    client, build_plan
):
    plan = build_plan(projects_per_policy=2, policies=2)
    first = Project.objects.get(number="100")
    Indicator.objects.create(
        project=first,
        name="二つ目",
        order=2,
        unit="人",
        target_kind="increase",
        target_wording="拡充",
    )
    Project.objects.create(basic_policy=first.basic_policy, number="099", name="一覧外の事業")
    edit(Project.objects.filter(number="101"), summary_order=None)
    rows = search(client, plan).context["results"]
    assert [(row.project.number, row.indicator and row.indicator.name) for row in rows] == [
        ("100", "利用者数"),
        ("100", "二つ目"),
        ("099", None),  # outside the summary table (no order): after it, by number
        ("101", "利用者数"),
        ("200", "利用者数"),
        ("201", "利用者数"),
    ]


def test_a_status_is_looked_up_in_the_plans_own_judgements(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    build_plan(projects_per_policy=3, policies=1, slug="other-plan")
    assert numbers(search(client, plan, status="achieved")) == ["100"]
    assert numbers(search(client, plan, status="none")) == []


def test_english_pages_name_the_range_and_the_page_links(client, build_plan):
    plan = build_plan(projects_per_policy=60, policies=1)
    html = client.get(f"/en/plans/{plan.slug}/search/?page=2").content.decode()
    assert "60 results (showing 51–60)" in html
    assert 'aria-label="Result pages"' in html
    assert ">Previous page</a>" in html


def test_a_query_of_thousands_of_words_searches_the_first_ten_and_says_so(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    response = search(client, plan, q=" ".join(["事業2", *(f"語{n}" for n in range(3000))]))
    html = response.content.decode()
    assert "検索語が多いため、最初の 10 語で検索しました。" in html
    assert numbers(response) == []  # 事業2 and nine other words: none has them all
    response = search(client, plan, q=" ".join(["事業2"] * 3000))  # one distinct word
    assert numbers(response) == ["200", "201", "202"]
    assert "検索語が多い" not in response.content.decode()
    words = " ".join(f"w{n}" for n in range(11))
    english = client.get(f"/en/plans/{plan.slug}/search/", {"q": words}).content.decode()
    assert "There were too many words: the search used the first 10." in english


def test_a_query_longer_than_the_field_is_cut_to_it(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    html = search(client, plan, q="事" * 100_000).content.decode()
    assert f'value="{"事" * 200}" maxlength="200"' in html
