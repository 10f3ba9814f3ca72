"""send_reminders: each department's outstanding figures, before and after the due date."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from indicators.models import Actual, ReminderLog
from indicators.services.reminders import send_reminders
from indicators.services.summaries import refresh_plan_summaries
from policies.models import Department, ReportingYear

DUE = datetime.date(2025, 5, 31)


@pytest.fixture
def setup(build_plan, make_user):
    """Policy 1 (3 indicators) belongs to 子育て支援課, policy 2 to 保育幼稚園課. For 2024:
    子育て支援課 has one figure submitted, one draft and one missing; 保育幼稚園課 has
    everything approved."""
    plan = build_plan(published=False)
    kosodate = Department.objects.create(name="子育て支援課")
    hoiku = Department.objects.create(name="保育幼稚園課")
    plan.projects.filter(basic_policy__number=1).update(department=kosodate)
    plan.projects.filter(basic_policy__number=2).update(department=hoiku)
    first, _second, third = Actual.objects.filter(indicator__project__department=kosodate).order_by(
        "indicator__project__number"
    )
    Actual.objects.filter(pk=first.pk).update(state="submitted")
    third.delete()
    Actual.objects.filter(indicator__project__department=hoiku).update(state="approved")
    refresh_plan_summaries(plan.pk)  # the raw updates above bypass the services
    officer = make_user("officer", departments=[kosodate])
    officer.email = "officer@example.jp"
    officer.save()
    make_user("officer", departments=[hoiku])
    planner = make_user("planner")
    planner.email = "planner@example.jp"
    planner.save()
    ReportingYear.objects.create(plan=plan, fiscal_year=2024, due_date=DUE)
    return plan, kosodate


def test_before_the_due_date_the_officers_get_their_list(setup):
    _plan, kosodate = setup
    result = send_reminders(fiscal_year=2024, today=DUE - datetime.timedelta(days=3))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.jp"]
    assert message.cc == []
    assert "（2 件）" in message.subject
    assert "入力期限は 2025-05-31 です" in message.body
    assert "- 101 事業1-1: 利用者数" in message.body  # draft
    assert "- 102 事業1-2: 利用者数" in message.body  # missing
    assert "100 事業1-0" not in message.body  # submitted
    assert [(log.department, log.kind) for log in result.sent] == [(kosodate, "before")]


def test_not_mailed_twice_the_same_day(setup):
    today = DUE - datetime.timedelta(days=1)
    send_reminders(fiscal_year=2024, today=today)
    result = send_reminders(fiscal_year=2024, today=today)
    assert len(mail.outbox) == 1
    assert result.skipped_today == ["子育て支援課"]
    send_reminders(fiscal_year=2024, today=today + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.count() == 2


def test_after_the_due_date_and_later_the_planners_are_copied(setup):
    send_reminders(fiscal_year=2024, today=DUE + datetime.timedelta(days=2), escalate_after_days=7)
    overdue = mail.outbox[-1]
    assert "期限（2025-05-31）を過ぎました" in overdue.body
    assert overdue.cc == []

    send_reminders(fiscal_year=2024, today=DUE + datetime.timedelta(days=7), escalate_after_days=7)
    escalated = mail.outbox[-1]
    assert escalated.cc == ["planner@example.jp"]
    assert ReminderLog.objects.order_by("sent_on").values_list("kind", flat=True)[1] == "escalated"


def test_nothing_outstanding_means_no_mail(setup):
    Actual.objects.update(state="approved")
    refresh_plan_summaries()
    _plan, kosodate = setup
    Actual.objects.create(
        indicator=kosodate.projects.get(number="102").indicators.get(),
        fiscal_year=2024,
        value=1,
        state="approved",
    )
    send_reminders(fiscal_year=2024, today=DUE)
    assert mail.outbox == []


def test_command(setup, settings, capsys):
    settings.REMINDER_ESCALATION_DAYS = 1
    ReportingYear.objects.update(due_date=timezone.localdate() - datetime.timedelta(days=5))
    call_command("send_reminders", "--year", "2024")
    out = capsys.readouterr().out
    assert "子育て支援課 (2) → officer@example.jp, planner@example.jp" in out
    assert mail.outbox[0].cc == ["planner@example.jp"]


def test_command_reports_a_year_without_due_date(build_plan, capsys):
    plan = build_plan()
    ReportingYear.objects.create(plan=plan, fiscal_year=2024)
    call_command("send_reminders", "--year", "2024")
    assert "no due date set for 2024: テスト計画" in capsys.readouterr().err
