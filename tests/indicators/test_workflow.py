"""The actual workflow service: save_drafts, submit, approve, return, publish."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.cache import public_cache_version
from indicators.models import Actual, ActualCorrection, ActualState, Indicator
from indicators.services import workflow
from indicators.services.workflow import DraftEntry
from policies.models import Department, ReportingYear


@pytest.fixture
def setup(build_plan, make_user):
    plan = build_plan(projects_per_policy=2, policies=1, published=False)
    mine, theirs = (
        Department.objects.create(name="こども政策課"),
        Department.objects.create(name="保育幼稚園課"),
    )
    projects = list(plan.projects.order_by("number"))
    projects[0].department = mine
    projects[0].save()
    projects[1].department = theirs
    projects[1].save()
    indicator = Indicator.objects.get(project=projects[0])
    other = Indicator.objects.get(project=projects[1])
    return {
        "plan": plan,
        "indicator": indicator,
        "other": other,
        "officer": make_user("officer", departments=[mine]),
        "officer2": make_user("officer", departments=[mine]),
        "planner": make_user("planner"),
        "planner2": make_user("planner"),
    }


def test_save_drafts_creates_updates_and_counts_unchanged(setup):
    officer, indicator = setup["officer"], setup["indicator"]
    result = workflow.save_drafts(
        user=officer, fiscal_year=2023, entries=[DraftEntry(indicator.pk, Decimal("90"), "メモ")]
    )
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    actual = Actual.objects.get(indicator=indicator, fiscal_year=2023)
    assert (actual.value, actual.note, actual.state, actual.version) == (
        Decimal("90"),
        "メモ",
        ActualState.DRAFT,
        1,
    )
    assert actual.history.first().history_user == officer

    again = workflow.save_drafts(
        user=officer, fiscal_year=2023, entries=[DraftEntry(indicator.pk, Decimal("90.0"), "メモ")]
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = workflow.save_drafts(
        user=officer, fiscal_year=2023, entries=[DraftEntry(indicator.pk, Decimal("91"), "メモ")]
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    actual.refresh_from_db()
    assert actual.version == 2
    assert [h.value for h in actual.history.all()] == [Decimal("91"), Decimal("90")]


def test_save_drafts_refuses_other_department_and_writes_nothing(setup):
    entries = [
        DraftEntry(setup["indicator"].pk, Decimal("1")),
        DraftEntry(setup["other"].pk, Decimal("2")),
    ]
    with pytest.raises(PermissionDenied, match="担当課が違う"):
        workflow.save_drafts(user=setup["officer"], fiscal_year=2023, entries=entries)
    assert not Actual.objects.filter(fiscal_year=2023).exists()


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [("人", Decimal("-1"), "マイナス"), ("%", Decimal("100.1"), "100 以下")],
)
def test_save_drafts_refuses_bad_values(setup, unit, value, message):
    indicator = setup["indicator"]
    indicator.unit = unit
    indicator.save()
    with pytest.raises(ValidationError, match=message):
        workflow.save_drafts(
            user=setup["officer"], fiscal_year=2023, entries=[DraftEntry(indicator.pk, value)]
        )
    assert not Actual.objects.filter(fiscal_year=2023).exists()


def test_save_drafts_refuses_locked_year(setup):
    ReportingYear.objects.create(plan=setup["plan"], fiscal_year=2023, is_locked=True)
    with pytest.raises(ValidationError, match="ロック"):
        workflow.save_drafts(
            user=setup["officer"],
            fiscal_year=2023,
            entries=[DraftEntry(setup["indicator"].pk, Decimal("1"))],
        )


def test_save_drafts_refuses_duplicates_and_unknown_indicators(setup):
    pk = setup["indicator"].pk
    with pytest.raises(ValidationError, match="2 回以上"):
        workflow.save_drafts(
            user=setup["officer"],
            fiscal_year=2023,
            entries=[DraftEntry(pk, Decimal("1")), DraftEntry(pk, Decimal("2"))],
        )
    with pytest.raises(ValidationError, match="存在しない指標"):
        workflow.save_drafts(
            user=setup["planner"], fiscal_year=2023, entries=[DraftEntry(999_999, Decimal("1"))]
        )


def test_concurrent_edit_is_refused_with_the_other_value(setup):
    officer, officer2, indicator = setup["officer"], setup["officer2"], setup["indicator"]
    workflow.save_drafts(
        user=officer, fiscal_year=2023, entries=[DraftEntry(indicator.pk, Decimal("10"))]
    )
    # Both read version 1; officer2 saves first.
    workflow.save_drafts(
        user=officer2,
        fiscal_year=2023,
        entries=[DraftEntry(indicator.pk, Decimal("20"), expected_version=1)],
    )
    with pytest.raises(ValidationError, match="「20 人」") as excinfo:
        workflow.save_drafts(
            user=officer,
            fiscal_year=2023,
            entries=[DraftEntry(indicator.pk, Decimal("30"), expected_version=1)],
        )
    assert officer2.username in str(excinfo.value)
    assert Actual.objects.get(indicator=indicator, fiscal_year=2023).value == Decimal("20")


def _draft(setup, value="100", note="", year=2024):
    workflow.save_drafts(
        user=setup["officer"],
        fiscal_year=year,
        entries=[DraftEntry(setup["indicator"].pk, Decimal(value), note)],
    )
    return Actual.objects.get(indicator=setup["indicator"], fiscal_year=year)


def test_full_workflow_to_publication(setup):
    actual = _draft(setup, "97")
    workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    workflow.approve(user=setup["planner"], actual_ids=[actual.pk])
    slug = setup["indicator"].project.plan.slug
    site, plan, other = (public_cache_version(p) for p in (None, slug, "another-plan"))
    workflow.publish(user=setup["planner"], actual_ids=[actual.pk])
    assert int(public_cache_version()) > int(site), "publishing must bump the public cache"
    assert public_cache_version(slug) != plan  # the plan's pages render again
    assert public_cache_version("another-plan") == other  # no other plan's
    actual.refresh_from_db()
    assert actual.state == ActualState.PUBLISHED
    assert actual.published_value == Decimal("97")
    assert actual.published_at is not None
    assert actual.submitted_by == setup["officer"]
    assert actual.approved_by == setup["planner"]
    history = actual.history.order_by("history_id")
    reasons = [h.history_change_reason for h in history][1:]  # [0]: build_plan created it
    assert reasons == ["下書き保存", "提出", "承認", "公表"]


def test_forbidden_transitions(setup):
    actual = _draft(setup)
    with pytest.raises(ValidationError, match="承認できるのは"):
        workflow.approve(user=setup["planner"], actual_ids=[actual.pk])
    with pytest.raises(ValidationError, match="公表できるのは"):
        workflow.publish(user=setup["planner"], actual_ids=[actual.pk])
    with pytest.raises(PermissionDenied):
        workflow.approve(user=setup["officer"], actual_ids=[actual.pk])
    with pytest.raises(PermissionDenied):
        workflow.publish(user=setup["officer"], actual_ids=[actual.pk])
    workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    with pytest.raises(ValidationError, match="提出済み・承認済み"):
        _draft(setup, "55")
    with pytest.raises(ValidationError, match="提出できるのは"):
        workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    actual.refresh_from_db()
    assert actual.state == ActualState.SUBMITTED


def test_submitter_cannot_approve(setup):
    planner = setup["planner"]
    workflow.save_drafts(
        user=planner, fiscal_year=2024, entries=[DraftEntry(setup["indicator"].pk, Decimal("1"))]
    )
    actual = Actual.objects.get(indicator=setup["indicator"], fiscal_year=2024)
    workflow.submit(user=planner, actual_ids=[actual.pk])
    with pytest.raises(PermissionDenied, match="自分が提出"):
        workflow.approve(user=planner, actual_ids=[actual.pk])
    workflow.approve(user=setup["planner2"], actual_ids=[actual.pk])


def test_return_needs_comment_and_goes_back_to_draft(setup):
    actual = _draft(setup)
    workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    with pytest.raises(ValidationError, match="差し戻しの理由"):
        workflow.return_to_officer(user=setup["planner"], actual_ids=[actual.pk], comment=" ")
    workflow.return_to_officer(user=setup["planner"], actual_ids=[actual.pk], comment="桁を確認")
    actual.refresh_from_db()
    assert (actual.state, actual.review_comment) == (ActualState.RETURNED, "桁を確認")
    _draft(setup, "101")
    actual.refresh_from_db()
    assert actual.state == ActualState.DRAFT


def test_large_change_needs_a_note_before_submit(setup):
    _draft(setup, "100", year=2023)
    actual = _draft(setup, "40", year=2024)
    with pytest.raises(ValidationError, match="備考"):
        workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    actual = _draft(setup, "40", note="施設の閉鎖のため", year=2024)
    workflow.submit(user=setup["officer"], actual_ids=[actual.pk])


def _publish(setup, actual, reason=""):
    workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    workflow.approve(user=setup["planner"], actual_ids=[actual.pk])
    workflow.publish(user=setup["planner"], actual_ids=[actual.pk], reason=reason)


def test_correction_after_publication_needs_a_reason(setup):
    actual = _draft(setup, "100")
    _publish(setup, actual)
    actual = _draft(setup, "98")
    assert actual.state == ActualState.DRAFT
    assert actual.published_value == Decimal("100"), "public keeps the old figure meanwhile"
    workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    workflow.approve(user=setup["planner"], actual_ids=[actual.pk])
    with pytest.raises(ValidationError, match="訂正の理由"):
        workflow.publish(user=setup["planner"], actual_ids=[actual.pk])
    workflow.publish(user=setup["planner"], actual_ids=[actual.pk], reason="集計誤り")
    correction = ActualCorrection.objects.get(actual=actual)
    assert (correction.old_value, correction.new_value, correction.reason) == (
        Decimal("100"),
        Decimal("98"),
        "集計誤り",
    )
    actual.refresh_from_db()
    assert actual.published_value == Decimal("98")


def test_locked_year_blocks_every_transition(setup):
    actual = _draft(setup)
    _publish(setup, actual)
    ReportingYear.objects.create(plan=setup["plan"], fiscal_year=2024, is_locked=True)
    with pytest.raises(ValidationError, match="ロック"):
        _draft(setup, "1")
    actual.refresh_from_db()
    assert actual.value == Decimal("100")


def test_save_drafts_uses_a_fixed_number_of_queries(
    setup, django_assert_num_queries, django_assert_max_num_queries
):
    """Not one query per row: 40 rows fit in one batch even on SQLite (999 parameters)."""
    plan, planner = setup["plan"], setup["planner"]
    indicators = list(Indicator.objects.filter(project__plan=plan))
    project = indicators[0].project
    extra = Indicator.objects.bulk_create(
        Indicator(project=project, name=f"指標{n}", target_kind="numeric", target_value=1)
        for n in range(38)
    )
    entries = [DraftEntry(i.pk, Decimal(n)) for n, i in enumerate(indicators + extra)]
    assert len(entries) == 40
    # 2 permission lookups, 1 group lookup, savepoint + release, indicators, locked years,
    # existing actuals, then actual insert and history insert (SQLite: 10), or the new
    # pks from the sequence and two COPYs (PostgreSQL: 11); the stored judgements
    # (definitions, actuals, official statuses, delete, insert); the policy's working
    # summaries of the year (indicators with their statuses and states, delete, insert).
    # Drafts move no published summary, which is not counted again.
    with django_assert_max_num_queries(19):
        result = workflow.save_drafts(user=planner, fiscal_year=2023, entries=entries)
    assert result.created == 40
    entries = [DraftEntry(e.indicator_id, e.value + 1) for e in entries]
    with django_assert_num_queries(15):  # the user's permissions and groups are cached now
        result = workflow.save_drafts(user=planner, fiscal_year=2023, entries=entries)
    assert result.updated == 40


def test_the_note_is_published_with_the_figure_and_a_later_draft_note_stays_private(setup):
    actual = _draft(setup, "97", note="保育所 2 か所の新設を含む")
    workflow.submit(user=setup["officer"], actual_ids=[actual.pk])
    workflow.approve(user=setup["planner"], actual_ids=[actual.pk])
    workflow.publish(user=setup["planner"], actual_ids=[actual.pk])
    actual.refresh_from_db()
    assert actual.published_note == "保育所 2 か所の新設を含む"
    _draft(setup, "97", note="書きかけの新しい備考")
    actual.refresh_from_db()
    assert actual.note == "書きかけの新しい備考"
    assert actual.published_note == "保育所 2 か所の新設を含む"


def test_save_and_submit_saves_nothing_when_the_submission_is_refused(setup):
    officer, indicator = setup["officer"], setup["indicator"]
    _draft(setup, "100", year=2023)
    # 30 after 100 moves more than half: submitting needs a note, so nothing is kept
    with pytest.raises(ValidationError, match="備考で理由"):
        workflow.save_and_submit(
            user=officer, fiscal_year=2024, entries=[DraftEntry(indicator.pk, Decimal("30"), "")]
        )
    unchanged = Actual.objects.get(indicator=indicator, fiscal_year=2024)
    assert unchanged.value == Decimal("100") and unchanged.state == ActualState.DRAFT
    result, submitted = workflow.save_and_submit(
        user=officer,
        fiscal_year=2024,
        entries=[DraftEntry(indicator.pk, Decimal("30"), "施設の統合で減少")],
    )
    assert (result.updated, submitted) == (1, 1)
    actual = Actual.objects.get(indicator=indicator, fiscal_year=2024)
    assert actual.state == ActualState.SUBMITTED and actual.submitted_by == officer


def test_refusal_messages_are_the_japanese_texts():
    from django.core.exceptions import PermissionDenied

    assert workflow.refusal_messages(ValidationError(["一つ目", "二つ目"])) == ["一つ目", "二つ目"]
    assert workflow.refusal_messages(PermissionDenied("担当課が違います")) == ["担当課が違います"]
    assert workflow.refusal_messages(PermissionDenied()) == ["この操作の権限がありません。"]


def test_bulk_writes_record_history_rows_as_simple_history_does(setup):
    """save_drafts and the transitions write their rows and history with their own bulk
    SQL (COPY on PostgreSQL): each row gets its pk, and one history row that mirrors it."""
    officer, indicator = setup["officer"], setup["indicator"]
    workflow.save_drafts(
        user=officer,
        fiscal_year=2023,
        entries=[DraftEntry(indicator.pk, Decimal("12.5"), "タブ\tと\n改行", internal_note="内部")],
    )
    actual = Actual.objects.get(indicator=indicator, fiscal_year=2023)
    workflow.submit(user=officer, actual_ids=[actual.pk])
    actual.refresh_from_db()
    created, submitted = actual.history.order_by("history_id")
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        officer,
        "下書き保存",
    )
    assert (submitted.history_type, submitted.history_change_reason) == ("~", "提出")
    fields = [f.attname for f in Actual._meta.concrete_fields]
    assert {f: getattr(submitted, f) for f in fields} == {f: getattr(actual, f) for f in fields}
    assert (created.id, created.value, created.note, created.internal_note, created.state) == (
        actual.pk,
        Decimal("12.5"),
        "タブ\tと\n改行",
        "内部",
        ActualState.DRAFT,
    )
    assert created.submitted_at is None and submitted.submitted_at == actual.submitted_at
