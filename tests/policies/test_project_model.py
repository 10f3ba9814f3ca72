"""A project number is unique within its plan: in the admin form, in full_clean and in the
database, and a plan import checks it without a query per project."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.services.plan_io import export_plan, import_plan
from indicators.services.synthetic import build_synthetic_plan
from policies.models import BasicPolicy, Plan, Project

pytestmark = pytest.mark.django_db


def test_full_clean_names_the_number_of_a_duplicate_project(build_plan):
    plan = build_plan(projects_per_policy=1, policies=2)
    policy = BasicPolicy.objects.get(plan=plan, number=2)
    clash = Project(basic_policy=policy, number="100", name="別の事業")
    with pytest.raises(ValidationError) as caught:
        clash.full_clean(exclude=["plan"])  # as the admin form does: plan is no form field
    assert caught.value.message_dict == {"number": ["この計画には同じ事業番号の事業があります。"]}
    clash.number = "101"
    clash.full_clean(exclude=["plan"])


def test_the_same_number_in_another_plan_is_fine(build_plan):
    build_plan(projects_per_policy=1, policies=1)
    other = build_plan(projects_per_policy=1, policies=1, slug="other")
    project = Project(
        basic_policy=BasicPolicy.objects.get(plan=other), number="100", name="同じ番号"
    )
    with pytest.raises(ValidationError):
        project.full_clean(exclude=["plan"])  # "100" exists in "other" itself
    project.basic_policy = BasicPolicy.objects.get(plan__slug="test-plan")
    with pytest.raises(ValidationError):
        project.full_clean(exclude=["plan"])
    project.number = "900"
    project.full_clean(exclude=["plan"])


def test_editing_a_project_keeps_its_own_number(build_plan):
    build_plan(projects_per_policy=1, policies=1)
    project = Project.objects.get(number="100")
    project.name = "名前だけ変える"
    project.full_clean(exclude=["plan"])


def test_the_admin_add_form_refuses_a_duplicate_number_on_the_number_field(
    client, make_user, build_plan
):
    plan = build_plan(projects_per_policy=1, policies=1)
    client.force_login(make_user("planner"))
    response = client.post(
        "/admin/policies/project/add/",
        {
            "basic_policy": BasicPolicy.objects.get(plan=plan).pk,
            "number": "100",
            "name": "重複する事業",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
            "highlights-TOTAL_FORMS": "0",
            "highlights-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["number"] == [
        "この計画には同じ事業番号の事業があります。"
    ]
    assert Project.objects.filter(number="100").count() == 1


def test_importing_more_projects_adds_no_query_per_project():
    counted = []
    for projects in (20, 200):
        plan = build_synthetic_plan(slug=f"p{projects}", projects=projects)
        data = export_plan(plan.plan)
        plan.plan.delete()
        with CaptureQueriesContext(connection) as queries:
            import_plan(data)
        counted.append(len(queries))
        assert Plan.objects.filter(slug=f"p{projects}").exists()
    # 180 more projects (and their indicators, actuals, history) add only INSERT batches.
    assert counted[1] - counted[0] < 180 // 2


def test_summary_order_takes_numbers_past_a_smallint(build_plan):
    """A synthetic plan of 100,000 projects numbers its achievement table past 32,767."""
    build_plan(projects_per_policy=1, policies=1)
    project = Project.objects.get(number="100")
    project.summary_order = 100_000
    project.full_clean(exclude=["plan"])
    project.save()
    assert Project.objects.in_summary().get().summary_order == 100_000
