"""Time starting a plan from a published achievement table of realistic size.

Run: SECRET_KEY=x .venv/bin/python bench/bench_summary_import.py [--projects 2000]

Writes a SYNTHETIC table (made-up names marked 【合成】, figures from a seeded generator,
not a city's data) as CP932 CSV and as XLSX: five basic policies, every project with one
indicator and every fifth with a second on a continuation row, qualitative and numeric
targets, published statuses. Times reading + parsing, the preview (threshold range and
disagreements) and the write into a throwaway SQLite database, and prints the queries
the write took.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time
from decimal import Decimal

from _django import setup_throwaway_django

HEADER = ["No.", "事業名", "指標項目", "R 元年実績", "R6 目標値", "R6 実績", "達成状況"]


def synthetic_rows(projects: int, seed: int = 1) -> list[list[str]]:
    generator = random.Random(seed)
    rows = [["【合成データ】ベンチマーク用の施策達成状況概要"], ["計画期間 令和2年度～令和6年度"]]
    per_policy = -(-projects // 5)
    for number in range(1, projects + 1):
        if (number - 1) % per_policy == 0:
            policy = (number - 1) // per_policy + 1
            rows += [[], [f"基本方針 {policy} 【合成】方針{policy}のまちへ"], HEADER]
        count = 2 if number % 5 == 0 else 1
        for index in range(count):
            baseline = generator.randint(50, 5000)
            actual = baseline + generator.randint(-baseline // 5, baseline // 5)
            target = generator.choice(["現状維持", "増加", f"{baseline + 10:,} 人"])
            status = "達成" if actual >= baseline else "未達成"
            lead = [str(number), f"【合成】事業{number}"] if index == 0 else ["", ""]
            rows.append(
                [
                    *lead,
                    f"合成指標{index + 1}",
                    f"{baseline:,} 人",
                    target,
                    f"{actual:,} 人",
                    status,
                ]
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=2000)
    args = parser.parse_args()

    tmp = setup_throwaway_django()
    import openpyxl
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators.services import summary_import

    rows = synthetic_rows(args.projects)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    book = openpyxl.Workbook()
    for cells in rows:
        book.active.append(cells)
    xlsx = io.BytesIO()
    book.save(xlsx)
    files = {"summary.csv": text.getvalue().encode("cp932"), "summary.xlsx": xlsx.getvalue()}
    print(f"synthetic table: {args.projects:,} projects, {len(rows):,} rows (SQLite, {tmp.name})")

    for slug, (name, data) in enumerate(files.items(), 1):
        started = time.perf_counter()
        summary = summary_import.read_summary(name, data)
        read = time.perf_counter() - started
        started = time.perf_counter()
        preview = summary_import.build_preview(summary)
        previewed = time.perf_counter() - started
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            summary_import.create_plan(
                summary, slug=f"bench-{slug}", name=f"【合成】{name}", threshold=Decimal("0.95")
            )
        written = time.perf_counter() - started
        print(
            f"{name} ({len(data) / 1024:,.0f} KB): read {read:.2f} s, preview {previewed:.2f} s "
            f"({len(summary.indicators):,} indicators, {len(preview.disagreements)} disagreeing), "
            f"write {written:.2f} s in {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
