"""Back-office forms: the yearly entry screen and the workflow actions' comment forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policies.fiscal_years import format_era

from . import working
from .models import NOTE_MAX_LENGTH, Actual, Indicator
from .services.workflow import EDITABLE_STATES, DraftEntry, needs_note, value_errors
from .statuses import Status, not_reported
from .values import PERCENT_UNITS, ValueParseError, parse_value


@dataclass
class EntryRow:
    """One indicator on the entry screen, with its bound fields."""

    indicator: Indicator
    actual: Actual | None
    previous: list[str]
    status: Status
    editable: bool
    fields: dict[str, forms.BoundField] = field(default_factory=dict)


def _same_unit(typed: str, unit: str) -> bool:
    typed, unit = typed.strip(), unit.strip()
    if typed in PERCENT_UNITS and unit in PERCENT_UNITS:
        return True
    return typed == unit


ENTRY_FIELDS = ("value", "note", "internal_note", "version")  # an indicator's: <name>_<pk>


class YearEntryForm(forms.Form):
    """This year's value, note and internal note of every indicator of an officer.

    Values are read with ``parse_value`` ("1,234", "１２３４", "99.8%", "145 か所"); an empty
    value leaves the indicator out. ``submitting`` adds the large-change note check.
    """

    def __init__(self, *args, indicators, fiscal_year: int, previous_years, locked_plans=(), **kw):
        self.submitting = kw.pop("submitting", False)
        super().__init__(*args, **kw)
        self.fiscal_year = fiscal_year
        self.rows: list[EntryRow] = []
        indicators = list(indicators)
        statuses = working.statuses(indicators, [fiscal_year])
        for indicator in indicators:
            actual = indicator.actual_for(fiscal_year)
            editable = indicator.project.plan_id not in locked_plans and (
                actual is None or actual.state in EDITABLE_STATES
            )
            self._add_fields(indicator, actual, editable)
            row = EntryRow(
                indicator=indicator,
                actual=actual,
                previous=[indicator.format(indicator.working_value_for(y)) for y in previous_years],
                status=statuses.get((indicator.pk, fiscal_year))
                or not_reported(indicator, fiscal_year),
                editable=editable,
            )
            row.fields = {name: self[f"{name}_{indicator.pk}"] for name in ENTRY_FIELDS}
            self.rows.append(row)

    def _add_fields(self, indicator, actual, editable: bool) -> None:
        """One indicator's inputs, each named for screen readers (the table's headings are
        not labels)."""
        pk = indicator.pk
        name = f"{indicator.project.display_number} {indicator.name}"
        self.fields[f"value_{pk}"] = forms.CharField(
            label=_("実績値"),
            required=False,
            disabled=not editable,
            initial=indicator.format(actual.value) if actual else "",
            widget=forms.TextInput(
                attrs={
                    "class": "entry-value",
                    "inputmode": "decimal",
                    "aria-label": gettext("%(name)s: %(year)s 実績値（公開）")
                    % {"name": name, "year": format_era(self.fiscal_year)},
                }
            ),
        )
        for attribute, label, css in (
            ("note", gettext("備考（公開）"), "entry-note"),
            ("internal_note", gettext("内部メモ（非公開）"), "entry-internal-note"),
        ):
            self.fields[f"{attribute}_{pk}"] = forms.CharField(
                label=label,
                required=False,
                max_length=NOTE_MAX_LENGTH,
                disabled=not editable,
                initial=getattr(actual, attribute) if actual else "",
                widget=forms.Textarea(
                    attrs={"rows": 2, "class": css, "aria-label": f"{name}: {label}"}
                ),
            )
        self.fields[f"version_{pk}"] = forms.IntegerField(
            required=False,
            disabled=not editable,
            initial=actual.version if actual else 0,
            widget=forms.HiddenInput,
        )

    def clean(self):
        cleaned = super().clean()
        self.entries: list[DraftEntry] = []
        for row in self.rows:
            if not row.editable:
                continue
            indicator, pk = row.indicator, row.indicator.pk
            text = cleaned.get(f"value_{pk}", "").strip()
            if not text:
                continue
            try:
                parsed = parse_value(text)
            except ValueParseError as error:
                self.add_error(f"value_{pk}", str(error))
                continue
            if parsed.unit and not _same_unit(parsed.unit, indicator.unit):
                self.add_error(
                    f"value_{pk}",
                    gettext("単位が違います。「%(unit)s」で入力してください。")
                    % {"unit": indicator.unit or gettext("単位なし")},
                )
                continue
            problems = value_errors(indicator, parsed.value)
            for problem in problems:
                self.add_error(f"value_{pk}", problem)
            note = cleaned.get(f"note_{pk}", "").strip()
            previous = indicator.working_value_for(self.fiscal_year - 1)
            if self.submitting and not note and needs_note(parsed.value, previous):
                self.add_error(
                    f"note_{pk}",
                    gettext(
                        "前年度（%(previous)s）から半分以上変わっています。備考に理由を書いてください。"
                    )
                    % {"previous": indicator.format(previous)},
                )
            if problems:
                continue
            self.entries.append(
                DraftEntry(
                    indicator_id=pk,
                    value=parsed.value,
                    note=note,
                    expected_version=cleaned.get(f"version_{pk}") or 0,
                    internal_note=cleaned.get(f"internal_note_{pk}", ""),
                )
            )
        return cleaned


class CommentForm(forms.Form):
    """The planner's comment when returning figures, or the reason for a correction."""

    comment = forms.CharField(
        label=_("コメント"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )
