"""Carrying indicators over to the successor plan."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Actual, Indicator
from indicators.services.carry_over import carry_over
from policies.models import BasicPolicy, Plan, Project


@pytest.fixture
def plans(build_plan):
    old = build_plan(projects_per_policy=2, policies=1, published=False)
    new = Plan.objects.create(
        name="後継計画",
        slug="next",
        start_fiscal_year=2025,
        end_fiscal_year=2029,
        baseline_fiscal_year=2024,
        predecessor=old,
    )
    policy = BasicPolicy.objects.create(plan=new, number=1, title="方針")
    project = Project.objects.create(basic_policy=policy, number="1", name="新事業")
    return old, new, project


def test_carry_over_copies_the_definition_and_continues_the_series(plans, make_user):
    old, _new, project = plans
    source = Indicator.objects.get(project__number="100")
    Actual.objects.create(indicator=source, fiscal_year=2023, value=Decimal("90"))

    [copy] = carry_over(user=make_user("planner"), plan=old, targets={source.pk: project.pk})

    copy.refresh_from_db()
    assert copy.project == project
    assert copy.carried_over_from == source
    assert (copy.name, copy.unit, copy.target_value, copy.baseline_value) == (
        "利用者数",
        "人",
        Decimal("100"),
        Decimal("80"),
    )
    # the figures stay with the indicator they were reported for
    assert list(copy.actuals.values_list("fiscal_year", flat=True)) == []
    assert source.actuals.filter(fiscal_year=2023).exists()


def test_only_planners_and_only_to_the_successor(plans, make_user):
    old, _new, _project = plans
    source = Indicator.objects.get(project__number="100")
    other_project = old.projects.get(number="101")
    with pytest.raises(PermissionDenied):
        carry_over(user=make_user("officer"), plan=old, targets={source.pk: _project.pk})
    with pytest.raises(ValidationError, match="後継計画の事業"):
        carry_over(user=make_user("planner"), plan=old, targets={source.pk: other_project.pk})
    assert not Indicator.objects.filter(carried_over_from__isnull=False).exists()


def test_twice_is_refused_and_nothing_half_written(plans, make_user):
    old, _new, project = plans
    planner = make_user("planner")
    first, second = Indicator.objects.filter(project__plan=old).order_by("pk")
    carry_over(user=planner, plan=old, targets={first.pk: project.pk})
    with pytest.raises(ValidationError, match="すでに引き継がれています"):
        carry_over(user=planner, plan=old, targets={second.pk: project.pk, first.pk: project.pk})
    assert Indicator.objects.filter(project=project).count() == 1


def test_plan_without_successor(build_plan, make_user):
    plan = build_plan(slug="alone")
    with pytest.raises(ValidationError, match="後継計画が登録されていません"):
        carry_over(user=make_user("planner"), plan=plan, targets={1: 1})


def test_carry_over_page(client, plans, make_user, django_assert_num_queries):
    from django.urls import reverse

    old, _new, project = plans
    client.force_login(make_user("planner"))
    url = reverse("staff:carry_over", args=[old.slug, 2024])
    source, other = Indicator.objects.filter(project__plan=old).order_by("pk")
    # 11 (the plan's indicator count from its policies' stored summaries, the ids of a
    # page of indicators, then the page), the second factor's device and the session's
    # sliding expiry (3 to save it)
    with django_assert_num_queries(15):
        html = client.get(url).content.decode()
    assert html.count('list="successor-projects"') == 2  # a field per indicator
    assert html.count(f'<option value="{project.number}">') == 1  # one shared list

    response = client.post(url, {f"target-{source.pk}": project.number, f"target-{other.pk}": ""})
    assert response.status_code == 302
    assert Indicator.objects.get(carried_over_from=source).project == project
    assert not Indicator.objects.filter(carried_over_from=other).exists()
    html = client.get(url).content.decode()
    assert "引き継ぎ済み" in html
    response = client.post(url, {f"target-{source.pk}": project.number}, follow=True)
    assert "すでに引き継がれています" in response.content.decode()


def test_an_unknown_project_number_carries_nothing_over(client, plans, make_user):
    from django.urls import reverse

    old, _new, project = plans
    client.force_login(make_user("planner"))
    url = reverse("staff:carry_over", args=[old.slug, 2024])
    source, other = Indicator.objects.filter(project__plan=old).order_by("pk")
    # 100 is the number of a project of the old plan, not of its successor
    posted = {f"target-{source.pk}": project.number, f"target-{other.pk}": "100"}
    html = client.post(url, posted, follow=True).content.decode()
    assert "後継計画に次の番号の事業はありません。何も引き継いでいません: 100" in html
    assert not Indicator.objects.filter(carried_over_from__isnull=False).exists()


def test_a_large_successor_offers_no_list_but_takes_any_number(
    client, plans, make_user, monkeypatch
):
    from django.urls import reverse

    from indicators import staff_views

    old, _new, project = plans
    Project.objects.create(basic_policy=project.basic_policy, number="2", name="もう一つ")
    monkeypatch.setattr(staff_views, "CARRY_OVER_CHOICES", 1)
    client.force_login(make_user("planner"))
    url = reverse("staff:carry_over", args=[old.slug, 2024])
    html = client.get(url).content.decode()
    assert "<datalist" not in html and 'list="successor-projects"' not in html
    source = Indicator.objects.filter(project__plan=old).order_by("pk").first()
    client.post(url, {f"target-{source.pk}": "2"})
    assert Indicator.objects.get(carried_over_from=source).project.number == "2"


def test_carry_over_copies_what_explains_the_indicator(plans, make_user):
    old, _new, project = plans
    source = Indicator.objects.get(project__number="100")
    Indicator.objects.filter(pk=source.pk).update(
        definition="延べ利用者数", data_source="業務統計", update_cycle="毎年度"
    )
    source.refresh_from_db()
    [copy] = carry_over(user=make_user("planner"), plan=old, targets={source.pk: project.pk})
    copy.refresh_from_db()
    assert (copy.definition, copy.data_source, copy.update_cycle) == (
        "延べ利用者数",
        "業務統計",
        "毎年度",
    )
