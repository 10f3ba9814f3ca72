"""Planners mark the summary's main indicators in the indicator list; officers cannot."""

from decimal import Decimal

import pytest

from indicators.models import Indicator
from policies.models import Department, Project

pytestmark = pytest.mark.django_db

LIST = "/admin/indicators/indicator/"


def changelist_post(indicators, main):
    data = {
        "form-TOTAL_FORMS": str(len(indicators)),
        "form-INITIAL_FORMS": str(len(indicators)),
        "_save": "保存",
    }
    for index, indicator in enumerate(indicators):
        data[f"form-{index}-id"] = str(indicator.pk)
        if indicator.pk in main:
            data[f"form-{index}-is_main"] = "on"
    return data


def test_a_planner_marks_main_indicators_in_the_list_and_it_is_in_the_history(
    client, build_plan, make_user
):
    build_plan(projects_per_policy=3, policies=1)
    client.force_login(make_user("planner"))
    Indicator.objects.update(is_main=False)
    page = client.get(LIST)
    indicators = list(page.context["cl"].result_list)
    assert len(indicators) == 3
    chosen = {indicators[0].pk, indicators[2].pk}
    response = client.post(LIST, changelist_post(indicators, chosen))
    assert response.status_code == 302
    assert set(Indicator.objects.filter(is_main=True).values_list("pk", flat=True)) == chosen
    changed = Indicator.objects.get(pk=indicators[0].pk)
    assert changed.history.first().is_main is True


def test_an_officer_sees_no_inputs_and_cannot_post_them(client, build_plan, make_user):
    build_plan(projects_per_policy=2, policies=1)
    department = Department.objects.create(name="こども政策課")
    Project.objects.update(department=department)
    client.force_login(make_user("officer", departments=[department]))
    Indicator.objects.update(is_main=False)
    page = client.get(LIST)
    assert page.status_code == 200
    assert 'name="form-0-is_main"' not in page.content.decode()
    indicators = list(page.context["cl"].result_list)
    response = client.post(LIST, changelist_post(indicators, {indicators[0].pk}))
    assert response.status_code == 403
    assert not Indicator.objects.filter(is_main=True).exists()


@pytest.mark.parametrize("projects_per_policy", [2, 12])
def test_the_change_form_reads_the_same_queries_whatever_the_number_of_indicators(
    client, build_plan, make_user, django_assert_max_num_queries, projects_per_policy
):
    """The project and the predecessor's indicator are searched (autocomplete), not
    offered as a <select> of every row, each option reading its project."""
    build_plan(projects_per_policy=projects_per_policy, policies=2)
    client.force_login(make_user("planner"))
    indicator = Indicator.objects.order_by("pk").first()
    with django_assert_max_num_queries(30):
        html = client.get(f"{LIST}{indicator.pk}/change/").content.decode()
    assert html.count("<option") < 20
    assert 'data-model-name="indicator"' in html  # carried_over_from: an autocomplete


@pytest.mark.parametrize("role", ["planner", "officer"])
def test_the_list_reads_its_total_from_the_summaries_through_changes(
    client, build_plan, make_user, role, django_assert_max_num_queries
):
    """Indicators added and deleted, a project moved to another department, another plan
    beside: the total shown equals Django's count of the user's indicators, uncounted."""
    build_plan(projects_per_policy=2, policies=2)
    later = build_plan(projects_per_policy=1, policies=1, slug="later")
    later.start_fiscal_year = 2022  # its groups' first rows are another year's
    later.save()
    mine, theirs = Department.objects.create(name="自課"), Department.objects.create(name="他課")
    projects = list(Project.objects.order_by("pk"))
    for index, project in enumerate(projects):
        project.department = (mine, theirs, None)[index % 3]
        project.save()
    user = make_user("planner") if role == "planner" else make_user("officer", departments=[mine])
    client.force_login(user)
    scoped = Indicator.objects.for_user(user)

    def shown():
        with django_assert_max_num_queries(20) as queries:
            cl = client.get(LIST).context["cl"]
        assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
        return cl.result_count, cl.full_result_count

    assert shown() == (scoped.count(), scoped.count())
    Indicator.objects.create(
        project=projects[0], name="追加した指標", unit="人", target_value=Decimal("5")
    )
    Indicator.objects.filter(project=projects[3]).first().delete()
    projects[1].department = mine
    projects[1].save()
    assert shown() == (scoped.count(), scoped.count())
    assert 0 < scoped.count() and (scoped.count() == Indicator.objects.count()) == (
        role == "planner"
    )
