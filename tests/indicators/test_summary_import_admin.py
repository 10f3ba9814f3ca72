"""Admin: 計画 → 達成状況表から作成: upload, preview with corrections, then confirm."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.admin_summary_import import SESSION_KEY
from indicators.models import Indicator, OfficialStatus
from policies.models import Department, Plan

UPLOAD = "admin:policies_plan_summary"
CONFIRM = "admin:policies_plan_summary_confirm"
OPTIONS = {"slug": "k", "name": "夢プラン", "start": "", "end": "", "threshold": ""}
SMALL = "\n".join(
    [
        "計画期間 R2～R6",
        "基本方針 1 人と人がつながるまちへ",
        "No.\t事業名\t指標項目\t当初値\tR6 目標値\tR6 実績\t達成状況",
        "1\t事業\t待機児童数\t10 人\t5 人\t6 人\t概ね達成",
    ]
)


def upload(client, text, name="summary.txt", **options):
    file = SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)
    return client.post(reverse(UPLOAD), {**OPTIONS, **options, "file": file})


@pytest.fixture
def planner_client(client, make_user):
    client.force_login(make_user("planner"))
    return client


def test_planner_sees_the_link_and_previews_the_seed_without_writing(planner_client, kanazawa_seed):
    changelist = planner_client.get(reverse("admin:policies_plan_changelist"))
    assert reverse(UPLOAD) in changelist.content.decode()
    response = upload(planner_client, kanazawa_seed.read_bytes())
    assert response.status_code == 200
    html = response.content.decode()
    assert "計画期間: R2〜R6" in html
    assert "基本方針 5、基本施策 29、事業 30、指標 18、主な取組実績 13、公式の達成状況 18" in html
    assert "634,531 ÷ 688,518 ≈ 0.9216" in html and "40 ÷ 41 ≈ 0.9756" in html
    assert "提案する基準: 0.95" in html
    assert response.context["form"]["threshold"].value() == "0.95"
    assert "すべて計算上の達成状況と一致します" in html
    assert not Plan.objects.exists()


def test_confirm_writes_the_plan_with_the_confirmed_threshold(planner_client, kanazawa_seed):
    upload(planner_client, kanazawa_seed.read_bytes())
    response = planner_client.post(reverse(CONFIRM), {**OPTIONS, "threshold": "0.95"})
    plan = Plan.objects.get(slug="k")
    assert response.status_code == 302
    assert response.url == reverse("admin:policies_plan_change", args=[plan.pk])
    assert plan.achievement_threshold == Decimal("0.95") and plan.name == "夢プラン"
    assert Indicator.objects.filter(project__plan=plan).count() == 18
    recorded = OfficialStatus.objects.filter(indicator__project__plan=plan)
    assert {status.recorded_by.username for status in recorded} == {"planner1"}
    assert SESSION_KEY not in planner_client.session


def test_the_planner_corrects_a_column_and_a_direction_before_confirming(planner_client):
    response = upload(planner_client, SMALL)
    headings = {row["heading"]: row["role"] for row in response.context["headings"]}
    assert headings["当初値"] == "ignore"
    corrections = {
        "map-role:当初値": "baseline",
        "map-year:当初値": "R元年",
        "direction:1/0": "down",
    }
    response = planner_client.post(
        reverse(UPLOAD), {**OPTIONS, **corrections, "threshold": "0.9", "_preview": "1"}
    )
    (row,) = response.context["indicator_rows"]
    assert row["baseline"] == "10 人"  # the plan's baseline year, R元年, goes unsaid
    assert (row["published"], row["computed"], row["differs"]) == ("概ね達成", "未達成", True)
    assert "5 ÷ 6 ≈ 0.8333" in response.content.decode()
    assert response.context["preview"].proposed_threshold == Decimal("0.833")
    (differing,) = response.context["preview"].disagreements
    assert differing.indicator.key == "1/0"
    response = planner_client.post(reverse(CONFIRM), {**OPTIONS, **corrections, "threshold": "0.8"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(project__plan__slug="k")
    assert (indicator.direction, indicator.baseline_value, indicator.baseline_fiscal_year) == (
        "down",
        Decimal(10),
        2019,
    )


def test_an_unreadable_row_is_listed_and_nothing_is_written(planner_client):
    response = upload(planner_client, SMALL.replace("6 人", "六 人"))
    html = response.content.decode()
    assert "4 行目" in html and "「六 人」は数値として読み取れません。" in html
    assert "確定して作成する" not in html
    response = planner_client.post(reverse(CONFIRM), {**OPTIONS, "threshold": "0.95"})
    assert response.status_code == 200 and "4 行目" in response.content.decode()
    assert not Plan.objects.exists()


def test_an_existing_slug_is_refused_at_confirmation(planner_client, build_plan):
    build_plan(slug="k")
    preview = upload(planner_client, SMALL).content.decode()
    assert "スラッグ" in preview and "確定して作成する" not in preview
    response = planner_client.post(reverse(CONFIRM), {**OPTIONS, "threshold": "0.95"})
    assert response.status_code == 200
    assert "スラッグ" in response.content.decode()
    assert Plan.objects.count() == 1


def test_confirm_without_a_preview_sends_back_to_the_upload(planner_client):
    response = planner_client.post(reverse(CONFIRM), {**OPTIONS, "threshold": "0.95"})
    assert response.status_code == 302 and response.url == reverse(UPLOAD)
    assert not Plan.objects.exists()


def test_officers_may_not_use_it(client, make_user):
    officer = make_user("officer", departments=[Department.objects.create(name="A課")])
    client.force_login(officer)
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert upload(client, SMALL).status_code == 403
    assert client.post(reverse(CONFIRM), {**OPTIONS, "threshold": "0.95"}).status_code == 403
    assert not Plan.objects.exists()


def test_superusers_may_use_it(client, make_user):
    client.force_login(make_user("admin"))
    assert client.get(reverse(UPLOAD)).status_code == 200


def test_the_preview_takes_the_same_queries_whatever_the_size(
    planner_client, kanazawa_seed, settings
):
    """Session, user and the dry-run write: a fixed number, not one per row (the made-up
    sample and the Kanazawa table both have measures and highlights)."""
    sample = settings.BASE_DIR / "fixtures" / "summary_sample.csv"
    upload(planner_client, SMALL)  # the session and the public version row exist
    counts = []
    for path in (sample, kanazawa_seed):
        with CaptureQueriesContext(connection) as queries:
            assert upload(planner_client, path.read_bytes(), name=path.name).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 40
