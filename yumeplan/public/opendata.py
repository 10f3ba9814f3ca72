"""Open data: a plan's published indicators as records for the JSON API and the downloads.

Only published figures and their judgements appear (``indicators.published``). Indicators
are read a chunk at a time, so a download of a plan of any size streams in constant memory. Values are strings of the
decimal as the plan writes it ("99.80"), years are integers (2024) with the era name beside
them in tabular downloads. The licence is CC BY 4.0 (政府標準利用規約 2.0 is compatible).
"""

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation

from indicators import published
from indicators.models import Indicator, PolicyCounts
from indicators.spreadsheet_safety import safe_row
from indicators.statuses import Status, not_reported
from indicators.values import format_value
from indicators.xlsx_stream import stream_workbook
from policies.fiscal_years import format_era
from policies.models import BasicPolicy

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
    "note": "政府標準利用規約（第2.0版）に準拠",
}

CSV_COLUMNS = [
    "plan",
    "policy_number",
    "policy",
    "measure",
    "project_number",
    "project_name",
    "department",
    "indicator",
    "unit",
    "direction",
    "cumulative",
    "baseline_value",
    "baseline_fiscal_year",
    "baseline_era",
    "target_kind",
    "target_wording",
    "target_value",
    "target_fiscal_year",
    "target_era",
    "fiscal_year",
    "era",
    "actual_value",
    "actual_note",
    "status_code",
    "status_label",
    "definition",
    "data_source",
    "update_cycle",
]


def decimal_text(value: Decimal | None, decimals: int) -> str | None:
    """99.8 with 2 decimals → "99.80"; no thousands separators, so it reads as a number."""
    if value is None:
        return None
    return format_value(value, "", decimals).replace(",", "")


# Columns that hold decimal text in the CSV and numbers in the XLSX download.
NUMBER_COLUMNS = ("baseline_value", "target_value", "actual_value")
CHUNK = 500  # indicators read at a time
API_PAGE_SIZE = 100


def indicator_record(indicator: Indicator, actuals: list, status: Status) -> dict:
    """One indicator as the API lists it, with its published actuals and its status for the
    plan's target year."""
    project = indicator.project
    policy = project.basic_policy
    baseline_decimals = (
        indicator.decimals if indicator.baseline_decimals is None else indicator.baseline_decimals
    )
    return {
        "project_number": project.number,
        "project_name": project.name,
        "project_name_en": project.name_en,
        "policy_number": policy.number,
        "policy": policy.title,
        "measure": project.measure.title if project.measure else None,
        "department": project.department.name if project.department else None,
        "indicator": indicator.name,
        "indicator_en": indicator.name_en,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "cumulative": indicator.is_cumulative,
        "definition": indicator.definition,
        "data_source": indicator.data_source,
        "update_cycle": indicator.update_cycle,
        "baseline": None
        if indicator.baseline_value is None
        else {
            "value": decimal_text(indicator.baseline_value, baseline_decimals),
            "fiscal_year": indicator.baseline_fiscal_year,
        },
        "target": {
            "kind": indicator.target_kind,
            "wording": indicator.target_display if indicator.target_kind != "numeric" else "",
            "value": decimal_text(indicator.target_value, indicator.decimals),
            "fiscal_year": indicator.effective_target_fiscal_year,
        },
        "actuals": [
            {
                "fiscal_year": actual.fiscal_year,
                "value": decimal_text(actual.published_value, indicator.decimals),
                "note": actual.published_note,
            }
            for actual in actuals
        ],
        "status": {
            "fiscal_year": status.fiscal_year,
            "code": status.code,
            "label": _japanese_label(status),
            "computed_code": status.computed,
            "official": status.official is not None,
        },
    }


def _japanese_label(status: Status) -> str | None:
    with translation.override("ja"):
        return str(status.label) if status.code else None


def plan_indicators(plan, basic_policy=None):
    """The plan's (or one policy's) indicators in the summary table's order (a queryset)."""
    if basic_policy is not None:
        return Indicator.objects.filter(project__basic_policy=basic_policy).order_by(
            "project__summary_order", "project__number", "order", "pk"
        )
    return Indicator.objects.filter(project__plan=plan).order_by(
        "project__basic_policy__number", "project__summary_order", "order", "pk"
    )


class _Loaded:
    """A chunk of indicators with their published actuals and statuses (three queries)."""

    def __init__(self, plan, ids: list[int]):
        self.plan = plan
        self.indicators = Indicator.objects.select_related(
            "project__basic_policy__plan", "project__measure", "project__department"
        ).in_bulk(ids)
        self.actuals: dict[int, list] = defaultdict(list)
        for actual in published.published_actuals(ids).order_by("fiscal_year"):
            self.actuals[actual.indicator_id].append(actual)
        self.statuses = published.statuses(self.indicators.values(), plan_years(plan))
        self.ids = ids

    def status(self, indicator: Indicator, fiscal_year: int) -> Status:
        return self.statuses.get((indicator.pk, fiscal_year)) or not_reported(
            indicator, fiscal_year
        )

    def records(self) -> Iterator[dict]:
        for pk in self.ids:
            indicator = self.indicators[pk]
            status = self.status(indicator, self.plan.target_fiscal_year)
            yield indicator_record(indicator, self.actuals[pk], status)


def plan_years(plan) -> range:
    return range(plan.start_fiscal_year, plan.end_fiscal_year + 1)


def _chunks(plan, indicators) -> Iterator[_Loaded]:
    ids = list(indicators.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield _Loaded(plan, ids[start : start + CHUNK])


def plan_head(plan, basic_policy=None) -> dict:
    """What every JSON answer about a plan's (or a policy's) indicators starts with."""
    last = published.last_published_at(plan, basic_policy)
    return {
        "plan": {
            "slug": plan.slug,
            "name": plan.name,
            "name_en": plan.name_en,
            "start_fiscal_year": plan.start_fiscal_year,
            "end_fiscal_year": plan.end_fiscal_year,
            "last_published_at": last.isoformat() if last else None,
        },
        "licence": LICENCE,
    }


def indicator_page(plan, number: int) -> dict | None:
    """Page ``number`` (from 1) of the API's list of the plan's indicators, with the
    number of ``pages``; None past the last page (page 1 of a plan without indicators is
    empty). The policies' stored counts (``PolicyCounts``, one query) give the length of
    the list and the policies the page falls in; then the page's ids are read from those
    policies only."""
    start = (number - 1) * API_PAGE_SIZE
    counts = PolicyCounts.objects.filter(basic_policy=OuterRef("pk")).values("indicators")
    policies = (
        BasicPolicy.objects.filter(plan=plan)
        .order_by("number")
        .annotate(n=Coalesce(Subquery(counts), 0))
        .values_list("pk", "n")
    )
    touched, before, count = [], 0, 0
    for policy_id, n in policies:
        if n and count + n > start and count < start + API_PAGE_SIZE:
            before = before if touched else count
            touched.append(policy_id)
        count += n
    if not touched and number > 1:
        return None
    ids = _page_ids(plan, touched, start - before) if touched else []
    return {
        **plan_head(plan),
        "count": count,
        "pages": max(1, -(-count // API_PAGE_SIZE)),
        "indicators": list(_Loaded(plan, ids).records()) if ids else [],
    }


def _page_ids(plan, policy_ids: list[int], offset: int) -> list[int]:
    """A page of ids from ``offset`` in these policies' indicators, in the plan's order.
    Within one policy, PostgreSQL walks its projects in order (``project_summary_order``)
    and stops at the page's end instead of sorting the plan."""
    indicators = plan_indicators(plan).filter(project__basic_policy_id__in=policy_ids)
    if len(policy_ids) == 1:
        indicators = indicators.order_by("project__summary_order", "order", "pk")
    return list(indicators.values_list("pk", flat=True)[offset : offset + API_PAGE_SIZE])


def json_chunks(plan, indicators, basic_policy=None) -> Iterator[str]:
    """The whole list (of a plan, or of one of its policies) as one JSON document, written
    a chunk of indicators at a time."""
    head = json.dumps(plan_head(plan, basic_policy), cls=DjangoJSONEncoder)
    yield head[: head.rindex("}")] + ', "indicators": ['
    first = True
    for loaded in _chunks(plan, indicators):
        for record in loaded.records():
            yield (
                ("" if first else ",")
                + "\n"
                + json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder)
            )
            first = False
    yield "\n]}\n"


def csv_rows(plan, indicators) -> Iterator[list]:
    """One row per indicator and fiscal year of the plan (long format, one value per cell)."""
    for loaded in _chunks(plan, indicators):
        for pk in loaded.ids:
            indicator = loaded.indicators[pk]
            target_year = plan.target_fiscal_year
            record = indicator_record(
                indicator, loaded.actuals[pk], loaded.status(indicator, target_year)
            )
            for year in plan_years(plan):
                yield _csv_row(plan, record, year, loaded.status(indicator, year))


def _csv_row(plan, record: dict, year: int, status: Status) -> list:
    baseline = record["baseline"] or {}
    target = record["target"]
    actual = next((a for a in record["actuals"] if a["fiscal_year"] == year), {})
    return [
        plan.name,
        record["policy_number"],
        record["policy"],
        record["measure"] or "",
        record["project_number"],
        record["project_name"],
        record["department"] or "",
        record["indicator"],
        record["unit"],
        record["direction"],
        int(record["cumulative"]),
        baseline.get("value") or "",
        baseline.get("fiscal_year") or "",
        format_era(baseline["fiscal_year"]) if baseline.get("fiscal_year") else "",
        target["kind"],
        target["wording"],
        target["value"] or "",
        target["fiscal_year"],
        format_era(target["fiscal_year"]),
        year,
        format_era(year),
        actual.get("value") or "",
        actual.get("note") or "",
        status.code or "",
        _japanese_label(status) or "",
        record["definition"],
        record["data_source"],
        record["update_cycle"],
    ]


class _Line:
    """A file-like object csv.writer writes one line into at a time."""

    def write(self, text: str) -> str:
        return text


def csv_lines(plan, indicators) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM so that Excel opens it, a line at a time."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow(CSV_COLUMNS)).encode("utf-8")
    for row in csv_rows(plan, indicators):
        yield writer.writerow(safe_row(row)).encode("utf-8")


def csv_text(plan, indicators) -> str:
    """The whole CSV as one string (tests and small exports)."""
    return b"".join(csv_lines(plan, indicators)).decode("utf-8")


def xlsx_chunks(plan, indicators) -> Iterator[bytes]:
    """The same table as the CSV as a workbook, streamed; values are numbers there (the
    writer neutralises the text cells)."""
    numbers = [CSV_COLUMNS.index(name) for name in NUMBER_COLUMNS]

    def rows():
        yield CSV_COLUMNS
        for row in csv_rows(plan, indicators):
            for index in numbers:
                row[index] = Decimal(row[index]) if row[index] != "" else None
            yield row

    return stream_workbook([("indicators", rows())])
