"""Open data: a plan's published indicators as records for the JSON API and the downloads.

Only published figures (``Actual.published_value``) appear. Values are strings of the
decimal as the plan writes it ("99.80"), years are integers (2024) with the era name beside
them in tabular downloads. The licence is CC BY 4.0 (政府標準利用規約 2.0 is compatible).
"""

import csv
import io
from decimal import Decimal

from django.utils import translation

from indicators.models import Indicator, last_published_at
from indicators.values import format_value
from policies.fiscal_years import format_era

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


def indicator_record(indicator: Indicator, fiscal_year: int) -> dict:
    """One indicator as the API lists it, with its status for ``fiscal_year``."""
    project = indicator.project
    policy = project.basic_policy
    baseline_decimals = (
        indicator.decimals if indicator.baseline_decimals is None else indicator.baseline_decimals
    )
    status = indicator.status_for(fiscal_year, published_only=True)
    with translation.override("ja"):
        label = str(status.label) if status.code else None
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
            for actual in indicator.actuals.all()
            if actual.published_value is not None
        ],
        "status": {
            "fiscal_year": fiscal_year,
            "code": status.code,
            "label": label,
            "computed_code": status.computed,
            "official": status.official is not None,
        },
    }


def plan_indicators(plan, basic_policy=None):
    """The plan's (or one policy's) indicators with all they need, in 3 queries."""
    if basic_policy is not None:
        return Indicator.objects.for_policy(basic_policy)
    return Indicator.objects.for_plan(plan)


def plan_payload(plan, indicators) -> dict:
    indicators = list(indicators)
    published = last_published_at(indicators)
    return {
        "plan": {
            "slug": plan.slug,
            "name": plan.name,
            "name_en": plan.name_en,
            "start_fiscal_year": plan.start_fiscal_year,
            "end_fiscal_year": plan.end_fiscal_year,
            "last_published_at": published.isoformat() if published else None,
        },
        "licence": LICENCE,
        "indicators": [indicator_record(i, plan.target_fiscal_year) for i in indicators],
    }


def csv_rows(plan, indicators):
    """One row per indicator and fiscal year of the plan (long format, one value per cell)."""
    for indicator in indicators:
        record = indicator_record(indicator, plan.target_fiscal_year)
        baseline = record["baseline"] or {}
        target = record["target"]
        values = {a["fiscal_year"]: a["value"] for a in record["actuals"]}
        notes = {a["fiscal_year"]: a["note"] for a in record["actuals"]}
        for year in range(plan.start_fiscal_year, plan.end_fiscal_year + 1):
            status = indicator_record_status(indicator, year)
            yield [
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
                values.get(year) or "",
                notes.get(year) or "",
                status[0] or "",
                status[1] or "",
                record["definition"],
                record["data_source"],
                record["update_cycle"],
            ]


def indicator_record_status(indicator: Indicator, fiscal_year: int) -> tuple[str | None, str]:
    status = indicator.status_for(fiscal_year, published_only=True)
    with translation.override("ja"):
        return status.code, str(status.label) if status.code else ""


def csv_text(plan, indicators) -> str:
    """UTF-8 CSV with a BOM so that Excel opens it; the header row names the columns."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(plan, indicators))
    return buffer.getvalue()
