"""Stacked status bars (達成 / 概ね達成 / 未達成 / 未集計) for the public site and the staff
pages: ``{% include "indicators/_status_bar.html" with counts=... %}`` with any object that
has the StatusCounts fields."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# ◎ ○ △ beside the status word, so that status is never told by colour alone.
STATUS_MARKS = {"achieved": "◎", "mostly_achieved": "○", "not_achieved": "△"}
STATUS_SEGMENTS = (
    ("achieved", "achieved", _("達成")),
    ("mostly_achieved", "mostly_achieved", _("概ね達成")),
    ("not_achieved", "not_achieved", _("未達成")),
    ("none", "not_reported", _("未集計")),
)


@register.filter
def status_segments(counts):
    """The parts of a stacked status bar: code, mark, label, count and a whole percentage
    (for the ``pct-N`` width class: no inline style under the CSP), rounded half up in
    integers."""
    total = counts.total
    return [
        {
            "code": code,
            "mark": STATUS_MARKS.get(code, "—"),
            "label": label,
            "count": getattr(counts, field),
            "percent": (getattr(counts, field) * 200 + total) // (2 * total) if total else 0,
        }
        for code, field, label in STATUS_SEGMENTS
    ]
