"""The yearly entry screen (admin) and the workflow actions on the actual list."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Actual, ActualCorrection, ActualState, Indicator
from indicators.services import workflow
from indicators.services.workflow import DraftEntry
from policies.models import Department, ReportingYear

ENTRY = "admin:indicators_actual_entry"


@pytest.fixture
def world(build_plan, make_user):
    plan = build_plan(projects_per_policy=2, policies=1, published=False)
    mine, theirs = Department.objects.create(name="A課"), Department.objects.create(name="B課")
    own_project, other_project = plan.projects.order_by("number")
    own_project.department, other_project.department = mine, theirs
    own_project.save()
    other_project.save()
    own = Indicator.objects.get(project=own_project)
    other = Indicator.objects.get(project=other_project)
    Actual.objects.create(indicator=own, fiscal_year=2022, value=Decimal("70"))
    return {
        "plan": plan,
        "own": own,
        "other": other,
        "officer": make_user("officer", departments=[mine]),
        "officer2": make_user("officer", departments=[mine]),
        "planner": make_user("planner"),
    }


def entry_url(year=2023):
    return f"{reverse(ENTRY)}?fiscal_year={year}"


def post(client, world, value, note="", action="save", version=0, year=2023):
    pk = world["own"].pk
    return client.post(
        entry_url(year),
        {
            "fiscal_year": year,
            "action": action,
            f"value_{pk}": value,
            f"note_{pk}": note,
            f"internal_note_{pk}": "内部の確認事項",
            f"version_{pk}": version,
        },
    )


def test_officer_sees_their_indicators_with_context(client, world):
    client.force_login(world["officer"])
    response = client.get(entry_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert world["own"].project.name in page
    assert world["other"].project.name not in page
    assert "80 人" in page  # baseline
    assert "100 人" in page  # target
    assert "70 人" in page  # R4's value, a previous year
    assert "公開" in page and "非公開" in page
    assert f'name="value_{world["own"].pk}"' in page


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("１，２３４", "1234"), ("1,234 人", "1234"), ("88", "88"), ("88.5人", "88.5")],
)
def test_values_are_read_as_officers_type_them(client, world, typed, expected):
    client.force_login(world["officer"])
    response = post(client, world, typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    actual = Actual.objects.get(indicator=world["own"], fiscal_year=2023)
    assert actual.value == Decimal(expected)
    assert actual.state == ActualState.DRAFT
    assert actual.internal_note == "内部の確認事項"


def test_percent_with_sign_is_accepted(client, world):
    world["own"].unit = "%"
    world["own"].save()
    client.force_login(world["officer"])
    assert post(client, world, "99.8%").status_code == 302
    assert Actual.objects.get(indicator=world["own"], fiscal_year=2023).value == Decimal("99.8")


@pytest.mark.parametrize(
    ("unit", "typed", "message"),
    [
        ("人", "たくさん", "数値として読み取れません"),
        ("人", "-3", "マイナス"),
        ("%", "100.5%", "100 以下"),
        ("人", "12 件", "単位が違います"),
    ],
)
def test_bad_input_is_refused_in_japanese_and_nothing_is_saved(client, world, unit, typed, message):
    world["own"].unit = unit
    world["own"].save()
    client.force_login(world["officer"])
    response = post(client, world, typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Actual.objects.filter(fiscal_year=2023).exists()


def test_submit_needs_a_note_for_a_large_change(client, world):
    client.force_login(world["officer"])
    response = post(client, world, "20", action="submit")  # 70 → 20
    assert "半分以上変わっています" in response.content.decode()
    assert not Actual.objects.filter(fiscal_year=2023).exists()
    # saving as a draft is fine; submitting with a note too
    assert post(client, world, "20").status_code == 302
    actual = Actual.objects.get(indicator=world["own"], fiscal_year=2023)
    response = post(client, world, "20", note="施設の休止", action="submit", version=actual.version)
    assert response.status_code == 302
    actual.refresh_from_db()
    assert actual.state == ActualState.SUBMITTED
    assert actual.submitted_by == world["officer"]


def test_later_save_is_refused_with_the_other_persons_value(client, world):
    client.force_login(world["officer"])
    post(client, world, "75")
    actual = Actual.objects.get(indicator=world["own"], fiscal_year=2023)
    seen = actual.version
    workflow.save_drafts(
        user=world["officer2"],
        fiscal_year=2023,
        entries=[DraftEntry(world["own"].pk, Decimal("76"), expected_version=seen)],
    )
    response = post(client, world, "77", version=seen)
    page = response.content.decode()
    assert response.status_code == 200
    assert "76 人" in page and world["officer2"].username in page
    actual.refresh_from_db()
    assert actual.value == Decimal("76")


def test_two_first_saves_conflict_too(client, world):
    client.force_login(world["officer"])
    workflow.save_drafts(
        user=world["officer2"],
        fiscal_year=2023,
        entries=[DraftEntry(world["own"].pk, Decimal("76"), expected_version=0)],
    )
    response = post(client, world, "77", version=0)
    assert "76 人" in response.content.decode()
    assert Actual.objects.get(indicator=world["own"], fiscal_year=2023).value == Decimal("76")


def test_locked_year_disables_the_inputs(client, world):
    ReportingYear.objects.create(plan=world["plan"], fiscal_year=2023, is_locked=True)
    client.force_login(world["officer"])
    page = client.get(entry_url()).content.decode()
    assert "ロックされています" in page
    assert post(client, world, "75").status_code == 302
    assert not Actual.objects.filter(fiscal_year=2023).exists()


def test_officer_cannot_write_another_departments_indicator(client, world):
    client.force_login(world["officer"])
    pk = world["other"].pk
    client.post(entry_url(), {"fiscal_year": 2023, "action": "save", f"value_{pk}": "5"})
    assert not Actual.objects.filter(indicator=world["other"], fiscal_year=2023).exists()


def _changelist_action(client, action, actual, **extra):
    return client.post(
        reverse("admin:indicators_actual_changelist"),
        {"action": action, "_selected_action": [actual.pk], **extra},
    )


def test_planner_reviews_returns_and_publishes_through_the_admin(client, world):
    client.force_login(world["officer"])
    post(client, world, "72", action="submit")
    actual = Actual.objects.get(indicator=world["own"], fiscal_year=2023)
    assert actual.state == ActualState.SUBMITTED

    client.force_login(world["planner"])
    page = _changelist_action(client, "return_selected", actual)
    assert "差し戻しの理由" in page.content.decode()  # asks for a comment first
    _changelist_action(client, "return_selected", actual, confirm="1", comment="出典を確認")
    actual.refresh_from_db()
    assert (actual.state, actual.review_comment) == (ActualState.RETURNED, "出典を確認")

    client.force_login(world["officer"])
    assert "出典を確認" in client.get(entry_url()).content.decode()
    post(client, world, "72", action="submit", version=actual.version)

    client.force_login(world["planner"])
    _changelist_action(client, "approve_selected", actual)
    _changelist_action(client, "publish_selected", actual, confirm="1", comment="")
    actual.refresh_from_db()
    assert actual.state == ActualState.PUBLISHED
    assert actual.published_value == Decimal("72")
    history = client.get(reverse("admin:indicators_actual_history", args=[actual.pk]))
    assert "公表" in history.content.decode()


def test_officer_cannot_approve_from_the_admin(client, world):
    client.force_login(world["officer"])
    post(client, world, "72", action="submit")
    actual = Actual.objects.get(indicator=world["own"], fiscal_year=2023)
    _changelist_action(client, "approve_selected", actual)
    actual.refresh_from_db()
    assert actual.state == ActualState.SUBMITTED


def test_republishing_a_changed_value_needs_a_reason(client, world):
    own, officer, planner = world["own"], world["officer"], world["planner"]
    client.force_login(officer)
    post(client, world, "72", action="submit")
    actual = Actual.objects.get(indicator=own, fiscal_year=2023)
    workflow.approve(user=planner, actual_ids=[actual.pk])
    workflow.publish(user=planner, actual_ids=[actual.pk])
    actual.refresh_from_db()
    post(client, world, "73", action="submit", version=actual.version)
    workflow.approve(user=planner, actual_ids=[actual.pk])
    client.force_login(planner)
    response = _changelist_action(client, "publish_selected", actual, confirm="1", comment="")
    assert "訂正の理由" in response.content.decode()
    _changelist_action(client, "publish_selected", actual, confirm="1", comment="転記誤り")
    correction = ActualCorrection.objects.get(actual=actual)
    assert (correction.old_value, correction.new_value) == (Decimal("72"), Decimal("73"))


def test_official_status_differing_from_computed_needs_a_reason(client, world):
    client.force_login(world["planner"])
    # 2024's working value is 100 of 100: computed 達成
    data = {"indicator": world["own"].pk, "fiscal_year": 2024, "status": "not_achieved"}
    response = client.post(reverse("admin:indicators_officialstatus_add"), data)
    assert response.status_code == 200
    assert "理由を入力してください" in response.content.decode()
    response = client.post(
        reverse("admin:indicators_officialstatus_add"), {**data, "reason": "事業の休止"}
    )
    assert response.status_code == 302
    official = world["own"].official_statuses.get()
    assert official.recorded_by == world["planner"]
    assert official.history.first().history_user == world["planner"]


def test_the_form_comes_a_page_at_a_time_and_a_save_keeps_the_page(client, world, monkeypatch):
    from indicators import admin_entry

    monkeypatch.setattr(admin_entry, "ENTRY_PAGE_SIZE", 1)
    client.force_login(world["planner"])  # sees both indicators
    first = client.get(entry_url()).context["form"].rows
    second = client.get(f"{entry_url()}&page=2").context["form"].rows
    assert [row.indicator for row in first + second] == [world["own"], world["other"]]
    html = client.get(f"{entry_url()}&page=2").content.decode()
    assert "ほかのページへ移る前に保存してください" in html
    assert 'href="?fiscal_year=2023&amp;page=1" rel="prev"' in html

    pk = world["other"].pk
    response = client.post(
        f"{entry_url()}&page=2",
        {"fiscal_year": 2023, "action": "save", f"value_{pk}": "12", f"version_{pk}": 0},
    )
    assert response.status_code == 302 and response["Location"].endswith("page=2")
    assert Actual.objects.get(indicator=world["other"], fiscal_year=2023).value == 12


def test_a_save_writes_the_indicators_posted_even_if_the_list_moved(client, world, monkeypatch):
    from indicators import admin_entry

    monkeypatch.setattr(admin_entry, "ENTRY_PAGE_SIZE", 1)
    client.force_login(world["planner"])
    pk = world["other"].pk  # shown on page 2; page 1 now holds another indicator
    client.post(
        f"{entry_url()}&page=1",
        {"fiscal_year": 2023, "action": "save", f"value_{pk}": "7", f"version_{pk}": 0},
    )
    assert Actual.objects.get(indicator=world["other"], fiscal_year=2023).value == 7
    assert not Actual.objects.filter(indicator=world["own"], fiscal_year=2023).exists()


def test_the_form_lists_the_plans_of_the_year_each_under_its_name(client, world, build_plan):
    later = build_plan(projects_per_policy=1, policies=1, slug="later", published=False)
    later.name, later.start_fiscal_year, later.end_fiscal_year = "次期計画", 2023, 2027
    later.save()
    project = later.projects.get()
    project.department = world["own"].project.department
    project.save()
    client.force_login(world["officer"])

    def listed(year):
        response = client.get(entry_url(year))
        return [row.indicator for row in response.context["form"].rows], response

    rows, response = listed(2022)
    assert rows == [world["own"]]
    assert response.context["years"] == list(range(2020, 2028))
    assert 'class="entry-plan"' not in response.content.decode()
    rows, response = listed(2023)  # the newer plan first, as the plans are listed
    assert rows == [Indicator.objects.get(project=project), world["own"]]
    html = response.content.decode()
    assert html.count('class="entry-plan"') == 2
    own_row = html.index(f'data-indicator="{world["own"].pk}"')
    assert html.index(later.name) < html.index(world["plan"].name) < own_row
    assert listed(2026)[0] == [Indicator.objects.get(project=project)]


def test_a_save_for_a_year_outside_the_indicators_plan_writes_nothing(client, world):
    client.force_login(world["officer"])

    def figures():
        return list(Actual.objects.order_by("pk").values_list("fiscal_year", "value", "version"))

    Actual.objects.filter(indicator=world["own"], fiscal_year=2024).delete()
    before = figures()
    response = post(client, world, "12", year=2019)  # before the plan: not a year offered
    assert figures() == before  # not saved under the latest year instead
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "この年度の実績は入力できません" in page


def test_the_entry_page_reads_a_fixed_number_of_queries(
    client, world, build_plan, django_assert_max_num_queries
):
    client.force_login(world["planner"])
    with django_assert_max_num_queries(40) as one_plan:
        client.get(entry_url())
    for slug in ("second", "third"):
        build_plan(projects_per_policy=3, policies=2, slug=slug, published=False)
    with django_assert_max_num_queries(40) as three_plans:
        response = client.get(entry_url())
    assert len(response.context["form"].rows) == 14  # a page over the three plans
    assert len(three_plans.captured_queries) == len(one_plan.captured_queries)
