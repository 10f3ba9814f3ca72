"""Reminders to departments about a year's figures not yet handed in.

Before the due date each officer of a department (``Department.members`` with an e-mail
address) gets the list of their department's outstanding figures; once the date has
passed they get it again, and from ``escalate_after_days`` days late the planners are
copied. A department reminded today (``ReminderLog``) is not mailed again the same day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import reports
from indicators.models import Indicator, ReminderLog
from policies import roles
from policies.fiscal_years import format_era_long
from policies.models import ReportingYear


@dataclass
class ReminderResult:
    sent: list[ReminderLog] = field(default_factory=list)
    skipped_today: list[str] = field(default_factory=list)  # department names
    no_address: list[str] = field(default_factory=list)
    plans_without_due_date: list[str] = field(default_factory=list)


def planner_addresses() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    planners = users.filter(groups__name=roles.PLANNER_GROUP) | users.filter(is_superuser=True)
    return sorted(set(planners.values_list("email", flat=True)))


def _body(plan, fiscal_year, due_date, kind, indicators) -> str:
    if kind == ReminderLog.Kind.BEFORE_DUE:
        lead = _("%(year)s の実績の入力期限は %(due)s です。次の指標がまだ提出されていません。")
    else:
        lead = _("%(year)s の実績の入力期限（%(due)s）を過ぎました。次の指標を提出してください。")
    lines = [
        str(plan),
        lead
        % {"year": f"{format_era_long(fiscal_year)}（{fiscal_year}）", "due": due_date.isoformat()},
        "",
    ]
    lines += [
        f"- {indicator.project.number} {indicator.project.name}: {indicator.name}"
        for indicator in indicators
    ]
    return "\n".join(lines) + "\n"


def send_reminders(
    *, fiscal_year: int, today=None, escalate_after_days: int | None = None
) -> ReminderResult:
    """Mail every department with outstanding figures of ``fiscal_year``, for every plan
    that has a due date that year. Returns what was sent and what was skipped."""
    today = today or timezone.localdate()
    if escalate_after_days is None:
        escalate_after_days = settings.REMINDER_ESCALATION_DAYS
    result = ReminderResult()
    reporting_years = ReportingYear.objects.filter(fiscal_year=fiscal_year).select_related("plan")
    for reporting_year in reporting_years:
        if reporting_year.due_date is None:
            result.plans_without_due_date.append(str(reporting_year.plan))
            continue
        kind = _kind((today - reporting_year.due_date).days, escalate_after_days)
        _remind_plan(reporting_year, kind, today, result)
    return result


def _kind(days_late: int, escalate_after_days: int) -> str:
    if days_late <= 0:
        return ReminderLog.Kind.BEFORE_DUE
    if days_late < escalate_after_days:
        return ReminderLog.Kind.OVERDUE
    return ReminderLog.Kind.ESCALATED


def _remind_plan(reporting_year: ReportingYear, kind: str, today, result: ReminderResult):
    """Mail each department of the plan with outstanding figures of the year, unless it
    was reminded today or none of its officers has an address."""
    plan, fiscal_year = reporting_year.plan, reporting_year.fiscal_year
    cc = planner_addresses() if kind == ReminderLog.Kind.ESCALATED else []
    already = set(
        ReminderLog.objects.filter(plan=plan, fiscal_year=fiscal_year, sent_on=today).values_list(
            "department_id", flat=True
        )
    )
    indicators = Indicator.objects.filter(project__plan=plan)
    for row in reports.submission_tracker(plan, fiscal_year):
        department = row.department
        if department is None or not row.outstanding:
            continue
        if department.pk in already:
            result.skipped_today.append(department.name)
            continue
        to = sorted({u.email for u in department.members.all() if u.is_active and u.email})
        if not to:
            result.no_address.append(department.name)
            continue
        listed = list(
            reports.outstanding(indicators, fiscal_year)
            .filter(project__department=department)
            .select_related("project")
            .order_by("project__basic_policy__number", "project__summary_order", "order", "pk")
        )
        result.sent.append(_send(reporting_year, department, kind, to, cc, listed, today))


def _send(reporting_year, department, kind, to, cc, listed, today) -> ReminderLog:
    """Log a department's reminder and mail it, together or not at all."""
    plan, fiscal_year = reporting_year.plan, reporting_year.fiscal_year
    subject = _("【%(plan)s】%(year)s 実績の提出のお願い（%(count)d 件）") % {
        "plan": plan,
        "year": format_era_long(fiscal_year),
        "count": len(listed),
    }
    with transaction.atomic():
        log = ReminderLog.objects.create(
            plan=plan,
            department=department,
            fiscal_year=fiscal_year,
            kind=kind,
            sent_on=today,
            recipients=", ".join(to + cc),
            missing_count=len(listed),
        )
        body = _body(plan, fiscal_year, reporting_year.due_date, kind, listed)
        EmailMessage(subject, body, to=to, cc=cc).send()
    return log
