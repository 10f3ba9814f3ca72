"""The reminder log in the admin: planners read what send_reminders mailed; nobody edits it."""

import datetime

import pytest
from django.urls import reverse

from indicators.models import Actual, ReminderLog
from indicators.services.reminders import send_reminders
from policies.models import Department, ReportingYear

DUE = datetime.date(2025, 5, 31)
CHANGELIST = "admin:indicators_reminderlog_changelist"


@pytest.fixture
def logs(build_plan, make_user):
    """Two departments with outstanding figures (drafts and a missing one each), reminded
    the day before the due date and three days late: four rows written by the reminder
    service itself."""
    plan = build_plan(published=False)
    departments = []
    for number, name in [(1, "子育て支援課"), (2, "保育幼稚園課")]:
        department = Department.objects.create(name=name)
        plan.projects.filter(basic_policy__number=number).update(department=department)
        officer = make_user("officer", departments=[department])
        officer.email = f"officer{number}@example.jp"
        officer.save()
        departments.append(department)
    Actual.objects.filter(indicator__project__number__in=["102", "202"]).delete()
    ReportingYear.objects.create(plan=plan, fiscal_year=2024, due_date=DUE)
    send_reminders(fiscal_year=2024, today=DUE - datetime.timedelta(days=1))
    send_reminders(fiscal_year=2024, today=DUE + datetime.timedelta(days=3))
    assert ReminderLog.objects.count() == 4
    return departments


def test_planner_reads_the_log_with_its_columns(client, logs, make_user):
    client.force_login(make_user("planner"))
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ["子育て支援課", "保育幼稚園課", "期限前", "期限後", "officer1@example.jp"]:
        assert text in page
    assert "2025年6月3日" in page or "2025-06-03" in page
    assert reverse("admin:indicators_reminderlog_add") not in page  # no add button
    assert list(response.context["cl"].result_list) == list(
        ReminderLog.objects.order_by("-sent_on", "department")
    )


def test_search_and_filters(client, logs, make_user):
    client.force_login(make_user("planner"))
    kosodate, _hoiku = logs
    found = client.get(reverse(CHANGELIST), {"q": "子育て"}).context["cl"].result_list
    assert {log.department for log in found} == {kosodate}
    found = client.get(reverse(CHANGELIST), {"q": "officer2@"}).context["cl"].result_list
    assert {log.department.name for log in found} == {"保育幼稚園課"}
    late = client.get(reverse(CHANGELIST), {"kind__exact": "overdue"}).context["cl"].result_list
    assert [log.sent_on for log in late] == [DUE + datetime.timedelta(days=3)] * 2
    by_department = client.get(reverse(CHANGELIST), {"department__id__exact": kosodate.pk})
    assert {log.department for log in by_department.context["cl"].result_list} == {kosodate}


def test_nobody_changes_or_deletes_a_log_by_hand(client, logs, make_user):
    log = ReminderLog.objects.first()
    before = (log.missing_count, log.recipients)
    client.force_login(make_user("admin"))
    change_url = reverse("admin:indicators_reminderlog_change", args=[log.pk])
    page = client.get(change_url).content.decode()
    assert "子育て支援課" in page or "保育幼稚園課" in page
    assert 'name="_save"' not in page  # a read-only page: nothing to save
    client.post(change_url, {"missing_count": "0", "recipients": ""})
    deleted = client.post(
        reverse("admin:indicators_reminderlog_delete", args=[log.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    bulk = client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [log.pk]}
    )
    assert bulk.status_code == 200
    log.refresh_from_db()
    assert (log.missing_count, log.recipients) == before
    assert ReminderLog.objects.count() == 4


def test_officers_do_not_see_the_log(client, logs, make_user):
    client.force_login(make_user("officer", departments=[logs[0]]))
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert "督促の記録" not in client.get(reverse("admin:index")).content.decode()


def test_the_list_takes_the_same_queries_for_more_rows(
    client, logs, make_user, django_assert_num_queries
):
    client.force_login(make_user("planner"))
    client.get(reverse(CHANGELIST))
    # 12, + the second factor's device and the session's sliding expiry (3 to save it)
    with django_assert_num_queries(16) as few:
        client.get(reverse(CHANGELIST))
    send_reminders(fiscal_year=2024, today=DUE + datetime.timedelta(days=30))
    assert ReminderLog.objects.count() == 6
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse(CHANGELIST))
