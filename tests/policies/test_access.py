"""The access matrix of the back office: role × model × action, through the admin's URLs.

Officers belong to department A. "own" objects belong to A, "other" objects to B. An
officer must never get another department's data: 403 or 404 only.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Actual, Indicator, OfficialStatus, ReminderLog
from policies.models import (
    BasicPolicy,
    Department,
    Highlight,
    Measure,
    Plan,
    Project,
    ReportingYear,
)

DENIED = {403, 404}
OK = {200}

# action → (url suffix, needs an object). "own"/"other" pick the object.
ACTIONS = {
    "list": ("changelist", None),
    "add": ("add", None),
    "change_own": ("change", "own"),
    "change_other": ("change", "other"),
    "delete_own": ("delete", "own"),
    "history_own": ("history", "own"),
    "history_other": ("history", "other"),
}

STRUCTURE = {"list": OK, "add": OK, "change_own": OK, "change_other": OK, "delete_own": OK}
ALL_OK = {action: OK for action in ACTIONS}
ALL_DENIED = {action: DENIED for action in ACTIONS}
# Written only by a command (send_reminders): everyone who may see it sees all of it.
READ_ONLY = {
    "list": OK,
    "add": DENIED,
    "change_own": OK,  # read-only page
    "change_other": OK,
    "delete_own": DENIED,
    "history_own": OK,
    "history_other": OK,
}
SCOPED_READ = {
    "list": OK,
    "add": DENIED,
    "change_own": OK,  # read-only page
    "change_other": DENIED,
    "delete_own": DENIED,
    "history_own": OK,
    "history_other": DENIED,
}

MATRIX = {
    # model: {role: {action: allowed status codes}}
    "plan": {
        "officer": ALL_DENIED,
        "planner": {**ALL_OK, "delete_own": DENIED},
        "admin": ALL_OK,
    },
    "basicpolicy": {"officer": ALL_DENIED, "planner": ALL_OK, "admin": ALL_OK},
    "measure": {"officer": ALL_DENIED, "planner": ALL_OK, "admin": ALL_OK},
    "highlight": {"officer": ALL_DENIED, "planner": ALL_OK, "admin": ALL_OK},
    "department": {
        "officer": ALL_DENIED,
        "planner": {**ALL_OK, "delete_own": DENIED},
        "admin": ALL_OK,
    },
    "reportingyear": {
        "officer": ALL_DENIED,
        "planner": {**ALL_OK, "delete_own": DENIED},
        "admin": ALL_OK,
    },
    "project": {"officer": SCOPED_READ, "planner": ALL_OK, "admin": ALL_OK},
    "indicator": {"officer": SCOPED_READ, "planner": ALL_OK, "admin": ALL_OK},
    "actual": {
        "officer": SCOPED_READ,
        # values are written by the entry screen and the workflow, never a bare add form
        "planner": {**ALL_OK, "add": DENIED, "delete_own": DENIED},
        "admin": {**ALL_OK, "add": DENIED},
    },
    "officialstatus": {
        "officer": ALL_DENIED,
        "planner": {**ALL_OK, "delete_own": DENIED},
        "admin": ALL_OK,
    },
    "reminderlog": {"officer": ALL_DENIED, "planner": READ_ONLY, "admin": READ_ONLY},
}
APP = {
    "plan": "policies",
    "basicpolicy": "policies",
    "measure": "policies",
    "highlight": "policies",
    "department": "policies",
    "reportingyear": "policies",
    "project": "policies",
    "indicator": "indicators",
    "actual": "indicators",
    "officialstatus": "indicators",
    "reminderlog": "indicators",
}
CASES = [
    (role, model, action, allowed)
    for model, by_role in MATRIX.items()
    for role, by_action in by_role.items()
    for action, allowed in by_action.items()
]


@pytest.fixture
def world(db, make_user):
    plan = Plan.objects.create(
        name="計画",
        slug="p",
        start_fiscal_year=2020,
        end_fiscal_year=2024,
        baseline_fiscal_year=2019,
    )
    policy = BasicPolicy.objects.create(plan=plan, number=1, title="方針")
    measure = Measure.objects.create(basic_policy=policy, title="施策")
    objects = {"own": {}, "other": {}}
    for side, name, number in [("own", "A課", "1"), ("other", "B課", "2")]:
        department = Department.objects.create(name=name)
        project = Project.objects.create(
            basic_policy=policy,
            measure=measure,
            number=number,
            name=f"{name}の事業",
            department=department,
        )
        indicator = Indicator.objects.create(
            project=project, name=f"{name}の指標", target_kind="numeric", target_value=Decimal(10)
        )
        actual = Actual.objects.create(indicator=indicator, fiscal_year=2024, value=Decimal(10))
        official = OfficialStatus.objects.create(
            indicator=indicator, fiscal_year=2024, status="achieved"
        )
        reminder = ReminderLog.objects.create(
            plan=plan,
            department=department,
            fiscal_year=2024,
            kind=ReminderLog.Kind.OVERDUE,
            sent_on=date(2025, 6, 2),
            missing_count=1,
        )
        objects[side] = {
            "reminderlog": reminder,
            "department": department,
            "project": project,
            "indicator": indicator,
            "actual": actual,
            "officialstatus": official,
        }
    shared = {
        "plan": plan,
        "basicpolicy": policy,
        "measure": measure,
        "highlight": Highlight.objects.create(project=objects["own"]["project"], text="取組"),
        "reportingyear": ReportingYear.objects.create(plan=plan, fiscal_year=2024),
    }
    for side in objects:
        for model, obj in shared.items():
            objects[side].setdefault(model, obj)
    users = {
        "officer": make_user("officer", departments=[objects["own"]["department"]]),
        "planner": make_user("planner"),
        "admin": make_user("admin"),
    }
    return objects, users


@pytest.mark.parametrize(("role", "model", "action", "allowed"), CASES)
def test_access_matrix(client, world, role, model, action, allowed):
    objects, users = world
    suffix, side = ACTIONS[action]
    args = [objects[side][model].pk] if side else []
    client.force_login(users[role])
    url = reverse(f"admin:{APP[model]}_{model}_{suffix}", args=args)
    response = client.get(url)
    assert response.status_code in allowed, (role, model, action, response.status_code)
    if role == "officer" and side == "other" and model in {"project", "indicator", "actual"}:
        assert objects["other"][model].__str__() not in response.content.decode()


@pytest.mark.parametrize("model", ["project", "indicator", "actual"])
def test_officer_lists_and_filters_show_only_their_department(client, world, model):
    objects, users = world
    client.force_login(users["officer"])
    page = client.get(reverse(f"admin:{APP[model]}_{model}_changelist")).content.decode()
    own = objects["own"]["project" if model == "project" else "indicator"]
    assert own.name in page
    assert "B課" not in page  # neither rows nor filter choices


DEPARTMENT_FILTER = {
    "project": "department",
    "indicator": "project__department",
    "actual": "indicator__project__department",
}


@pytest.mark.parametrize("model", ["project", "indicator", "actual"])
def test_planner_lists_filter_by_any_department(client, world, model):
    objects, users = world
    Department.objects.create(name="C課")  # no project yet: offered all the same
    client.force_login(users["planner"])
    url = reverse(f"admin:{APP[model]}_{model}_changelist")
    page = client.get(url).content.decode()
    assert "A課" in page and "B課" in page and "C課" in page
    own = objects["own"]["department"]
    filtered = client.get(url, {f"{DEPARTMENT_FILTER[model]}__id__exact": own.pk})
    shown = filtered.context["cl"].result_list
    assert [row.pk for row in shown] == [objects["own"][model].pk]


@pytest.mark.parametrize(
    ("role", "expected"), [("officer", {"own"}), ("planner", {"own", "other"})]
)
def test_autocomplete_offers_only_the_users_indicators(client, world, role, expected):
    objects, users = world
    client.force_login(users[role])
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "indicators", "model_name": "officialstatus", "field_name": "indicator"},
    )
    names = {item["text"] for item in response.json()["results"]}
    assert names == {str(objects[side]["indicator"]) for side in expected}


def test_officer_cannot_post_changes_to_another_departments_objects(client, world):
    objects, users = world
    client.force_login(users["officer"])
    other = objects["other"]["actual"]
    response = client.post(
        reverse("admin:indicators_actual_changelist"),
        {"action": "submit_selected", "_selected_action": [other.pk]},
    )
    other.refresh_from_db()
    assert other.state == "draft"
    assert response.status_code in {200, 302}
