"""The review queue: submitted figures with earlier years; approve or return many at once."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from indicators.models import NOTE_MAX_LENGTH, Actual


@pytest.fixture
def queue(build_plan, make_user):
    plan = build_plan(projects_per_policy=3, policies=1, published=False)
    officer = make_user("officer")
    Actual.objects.update(state="submitted", submitted_by=officer)
    first = Actual.objects.order_by("pk").first()
    Actual.objects.create(indicator=first.indicator, fiscal_year=2023, value=Decimal("77"))
    return plan, reverse("staff:review_queue", args=[plan.slug, 2024])


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_queue_lists_submitted_figures_with_earlier_years(client, queue, make_user):
    _plan, url = queue
    client.force_login(make_user("planner"))
    html = client.get(url).content.decode()
    assert html.count('name="actual"') == 3
    assert "77 人" in html  # the previous year beside the figure


def test_bulk_approval(client, queue, make_user):
    _plan, url = queue
    planner = make_user("planner")
    client.force_login(planner)
    ids = list(Actual.objects.filter(fiscal_year=2024).values_list("pk", flat=True)[:2])
    response = client.post(url, {"actual": ids, "action": "approve"})
    assert response.status_code == 302
    assert texts(response) == ["2 件を承認しました。"]
    assert set(Actual.objects.filter(pk__in=ids).values_list("state", "approved_by")) == {
        ("approved", planner.pk)
    }
    assert Actual.objects.filter(fiscal_year=2024, state="submitted").count() == 1


def test_bulk_return_needs_a_comment_and_writes_nothing_without_one(client, queue, make_user):
    _plan, url = queue
    client.force_login(make_user("planner"))
    ids = list(Actual.objects.filter(fiscal_year=2024).values_list("pk", flat=True))
    response = client.post(url, {"actual": ids, "action": "return", "comment": " "}, follow=True)
    assert "差し戻しの理由を入力してください。" in response.content.decode()
    assert Actual.objects.filter(fiscal_year=2024, state="submitted").count() == 3

    response = client.post(url, {"actual": ids, "action": "return", "comment": "桁を確認"})
    assert texts(response) == ["3 件を差し戻しました。"]
    assert set(Actual.objects.filter(pk__in=ids).values_list("state", "review_comment")) == {
        ("returned", "桁を確認")
    }


def test_approving_own_submission_is_refused_with_the_services_message(client, queue, make_user):
    _plan, url = queue
    planner = make_user("planner")
    Actual.objects.filter(fiscal_year=2024).update(submitted_by=planner)
    client.force_login(planner)
    ids = list(Actual.objects.filter(fiscal_year=2024).values_list("pk", flat=True))
    response = client.post(url, {"actual": ids, "action": "approve"})
    assert texts(response)[0].startswith("自分が提出した実績は承認できません")
    assert not Actual.objects.filter(state="approved").exists()


def test_nothing_selected(client, queue, make_user):
    _plan, url = queue
    client.force_login(make_user("planner"))
    assert texts(client.post(url, {"action": "approve"})) == ["実績を 1 つ以上選んでください。"]


def test_officer_cannot_post(client, queue, make_user):
    _plan, url = queue
    client.force_login(make_user("officer"))
    ids = list(Actual.objects.values_list("pk", flat=True))
    assert client.post(url, {"actual": ids, "action": "approve"}).status_code == 403
    assert not Actual.objects.filter(state="approved").exists()


def test_an_overlong_return_comment_is_a_message(client, queue, make_user):
    _plan, url = queue
    client.force_login(make_user("planner"))
    ids = list(Actual.objects.filter(fiscal_year=2024).values_list("pk", flat=True))
    comment = "あ" * (NOTE_MAX_LENGTH + 1)
    response = client.post(url, {"actual": ids, "action": "return", "comment": comment})
    assert response.status_code == 302
    assert texts(response) == [
        f"備考・メモは {NOTE_MAX_LENGTH} 文字以内にしてください（2001 文字あります）。"
    ]
    assert Actual.objects.filter(fiscal_year=2024, state="submitted").count() == 3
