"""Mail officers when a planner returns their figures, so that nobody waits on a figure
they do not know was sent back. One mail per department, to its members with an address,
sent only once the return is committed."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators.models import Actual
from policies.fiscal_years import format_era_long
from policies.models import Department

logger = logging.getLogger(__name__)


def returned_figures_mails(actual_ids, *, comment: str, returned_by) -> list[EmailMessage]:
    """The mails telling each department which of its figures came back, and why."""
    actuals = (
        Actual.objects.filter(pk__in=list(actual_ids))
        .select_related("indicator__project__plan")
        .order_by("indicator__project__department", "fiscal_year", "indicator__project__number")
    )
    by_department = defaultdict(list)
    for actual in actuals:
        by_department[actual.indicator.project.department_id].append(actual)
    departments = Department.objects.filter(
        pk__in=[pk for pk in by_department if pk]
    ).prefetch_related("members")
    entry = reverse("admin:indicators_actual_entry")
    mails = []
    for department in departments:
        to = sorted({u.email for u in department.members.all() if u.is_active and u.email})
        if not to:
            continue
        returned = by_department[department.pk]
        lines = [
            _("企画担当（%(name)s）が次の実績を差し戻しました。")
            % {"name": returned_by.get_username()},
            "",
            _("差し戻しの理由: %(comment)s") % {"comment": comment},
            "",
        ]
        lines += [
            f"- {actual.indicator.project.plan} {format_era_long(actual.fiscal_year)} "
            f"{actual.indicator.project.number} {actual.indicator.project.name}: "
            f"{actual.indicator.name} {actual.indicator.format(actual.value)}"
            for actual in returned
        ]
        lines += [
            "",
            _("管理画面の「実績の入力」（%(path)s）で直して、もう一度提出してください。")
            % {"path": entry},
        ]
        subject = _("【ゆめプラン】実績が差し戻されました（%(count)d 件）") % {
            "count": len(returned)
        }
        mails.append(EmailMessage(subject, "\n".join(lines) + "\n", to=to))
    return mails


def notify_returned_after_commit(actual_ids, *, comment: str, returned_by) -> None:
    """Send the mails once the return is committed. A mail server that fails is logged,
    never undoes the return: the officer still sees the comment on the entry screen."""
    actual_ids = list(actual_ids)

    def send():
        try:
            for mail in returned_figures_mails(
                actual_ids, comment=comment, returned_by=returned_by
            ):
                mail.send()
        except Exception:
            logger.exception("could not mail the officers about returned figures %s", actual_ids)

    transaction.on_commit(send)
