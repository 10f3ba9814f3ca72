"""Officers are mailed when a planner returns their figures: one mail per department, with
the figures and the reason, only once the return is committed."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from indicators.models import Actual, ActualState
from indicators.services import workflow
from policies.models import Department, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(build_plan, make_user):
    build_plan(projects_per_policy=3, policies=1, published=False)
    childcare, health = (
        Department.objects.create(name="保育幼稚園課"),
        Department.objects.create(name="健康総務課"),
    )
    Project.objects.filter(number__in=["100", "101"]).update(department=childcare)
    Project.objects.filter(number="102").update(department=health)
    tanaka = make_user("officer", departments=[childcare], username="tanaka")
    tanaka.email = "tanaka@city.example.jp"
    tanaka.save()
    suzuki = make_user("officer", departments=[health], username="suzuki")
    suzuki.email = "suzuki@city.example.jp"
    suzuki.save()
    make_user("officer", departments=[childcare], username="no-address")  # no e-mail
    Actual.objects.update(state=ActualState.SUBMITTED, submitted_by=suzuki)
    return {"planner": make_user("planner", username="kikaku")}


def test_each_department_gets_one_mail_with_its_figures_and_the_reason(
    submitted, django_capture_on_commit_callbacks
):
    ids = list(Actual.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_to_officer(
            user=submitted["planner"], actual_ids=ids, comment="前年度と集計方法が違います"
        )
    assert len(mail.outbox) == 2
    by_address = {tuple(m.to): m for m in mail.outbox}
    childcare = by_address[("tanaka@city.example.jp",)]
    assert childcare.subject == "【ゆめプラン】実績が差し戻されました（2 件）"
    assert "差し戻しの理由: 前年度と集計方法が違います" in childcare.body
    assert "100 事業1-0: 利用者数 100 人" in childcare.body
    assert "101 事業1-1: 利用者数 96 人" in childcare.body
    assert "102" not in childcare.body  # another department's figure
    assert "kikaku" in childcare.body
    assert "/admin/indicators/actual/entry/" in childcare.body
    health = by_address[("suzuki@city.example.jp",)]
    assert "（1 件）" in health.subject and "102 事業1-2" in health.body


def test_nothing_is_mailed_when_the_return_is_refused(
    submitted, django_capture_on_commit_callbacks
):
    draft = Actual.objects.get(indicator__project__number="100")
    draft.state = ActualState.DRAFT
    draft.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.return_to_officer(user=submitted["planner"], actual_ids=[draft.pk], comment="理由")
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_undo_the_return(
    submitted, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    actual = Actual.objects.get(indicator__project__number="100")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_to_officer(user=submitted["planner"], actual_ids=[actual.pk], comment="桁")
    actual.refresh_from_db()
    assert actual.state == ActualState.RETURNED
    assert "could not mail the officers" in caplog.text


def test_the_mail_waits_for_the_commit(submitted, django_capture_on_commit_callbacks):
    actual = Actual.objects.get(indicator__project__number="100")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.return_to_officer(user=submitted["planner"], actual_ids=[actual.pk], comment="桁")
    assert mail.outbox == [] and len(callbacks) == 1
