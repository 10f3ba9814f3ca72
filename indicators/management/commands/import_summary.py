"""Start a plan from a city's published achievement table (docs/import-format.md §3)."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.file_limits import FileLimitError, check_size
from indicators.models import Direction, TargetKind
from indicators.services import summary_import
from indicators.summary_table import ROLE_LABELS, SummaryError
from policies.fiscal_years import FiscalYearError, format_era, parse_fiscal_year


def _fiscal_year(text: str) -> int:
    try:
        return parse_fiscal_year(text)
    except FiscalYearError as exc:
        raise CommandError(str(exc)) from exc


def _threshold(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(f"--threshold「{text}」は数値ではありません（例: 0.95）。") from exc
    if not value.is_finite() or not 0 < value < 1:
        raise CommandError("--threshold は 0 より大きく 1 より小さい値にしてください。")
    return value


def _direction(text: str) -> tuple[str, str]:
    key, _sep, direction = text.partition("=")
    if direction not in {"up", "down"} or "/" not in key:
        raise CommandError(f"--direction「{text}」は「事業番号/順=down」の形で書いてください。")
    return key, direction


class Command(BaseCommand):
    help = (
        "Create a plan from the achievement table a city publishes (XLSX, CSV, or the "
        "tab-separated text of its PDF), all or nothing; --dry-run only prints the preview."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=".xlsx, .csv or .txt file")
        parser.add_argument("--slug", required=True, help="the new plan's slug")
        parser.add_argument("--name", required=True, help="the new plan's name")
        parser.add_argument("--start", type=_fiscal_year, help="first fiscal year (2020, R2)")
        parser.add_argument("--end", type=_fiscal_year, help="last fiscal year (2024, R6)")
        parser.add_argument(
            "--threshold",
            type=_threshold,
            help="threshold for 概ね達成 (default: proposed from the published statuses)",
        )
        parser.add_argument(
            "--direction",
            type=_direction,
            action="append",
            default=[],
            help="KEY=down for a lower-is-better indicator (KEY as the preview prints it)",
        )
        parser.add_argument("--dry-run", action="store_true", help="print the preview only")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask to confirm the proposed threshold",
        )

    def handle(self, *args, path, slug, name, start, end, threshold, direction, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"ファイル {path} がありません。")
        try:
            check_size(file.stat().st_size)
        except FileLimitError as error:
            raise CommandError(str(error)) from error
        data = file.read_bytes()
        try:
            summary = summary_import.read_summary(
                file.name, data, start=start, end=end, directions=dict(direction)
            )
        except SummaryError as error:
            self.fail(error, "読み取れない行があるため、何も保存していません。")
        preview = summary_import.build_preview(summary, threshold)
        self.print_preview(preview, proposed=threshold is None)
        if options["dry_run"]:
            self.create(summary, slug, name, preview.threshold, dry_run=True)
            self.stdout.write("--dry-run: 保存できることを確かめました。何も保存していません。")
            return
        if threshold is None and options["interactive"] and self.stdin_is_terminal():
            answer = input(f"概ね達成の基準 {preview.threshold} で作成しますか？ [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("中止しました。何も保存していません。")
        plan = self.create(summary, slug, name, preview.threshold, dry_run=False)
        self.stdout.write(self.style.SUCCESS(f"計画「{plan.name}」（{plan.slug}）を作成しました。"))

    def create(self, summary, slug, name, threshold, *, dry_run: bool):
        try:
            return summary_import.create_plan(
                summary, slug=slug, name=name, threshold=threshold, dry_run=dry_run
            )
        except SummaryError as error:
            self.fail(error, "保存できない行があるため、何も保存していません。")

    @staticmethod
    def stdin_is_terminal() -> bool:
        import sys

        return sys.stdin.isatty()

    def fail(self, error: SummaryError, conclusion: str):
        for where, reason in error.errors:
            self.stderr.write(f"{where}: {reason}")
        raise CommandError(conclusion)

    def print_preview(self, preview: summary_import.Preview, *, proposed: bool):
        summary = preview.summary
        write = self.stdout.write
        write(
            f"計画期間: {format_era(summary.start_fiscal_year)}〜{format_era(summary.end_fiscal_year)}"
            f"（基準年度 {format_era(summary.baseline_fiscal_year)}）"
        )
        for table in summary.tables:
            columns = " | ".join(
                f"{heading}→{ROLE_LABELS[column.role]}"
                + (f" {format_era(column.year)}" if column.year else "")
                for heading, column in zip(table.headings, table.columns, strict=True)
            )
            write(f"表 {table.where}: {columns}")
        labels = {
            "policies": "基本方針",
            "measures": "基本施策",
            "projects": "事業",
            "indicators": "指標",
            "highlights": "主な取組実績",
            "statuses": "公式の達成状況",
        }
        write("、".join(f"{labels[key]} {count}" for key, count in preview.counts.items()))
        write("指標（KEY 指標項目: 目標、方向。方向は --direction KEY=down で変えられます）")
        for indicator in summary.indicators:
            kind = indicator.target_wording or TargetKind(indicator.target_kind.value).label
            direction = Direction(indicator.direction.value).label
            write(f"  {indicator.key} {indicator.name}: {kind}、{direction}")
        write(preview.threshold_range.describe())
        for indicator in preview.threshold_range.conflicts:
            write(f"  どの基準でも公表どおりにならない行: {indicator.where} {indicator.name}")
        how = "提案する基準（--threshold で変更できます）" if proposed else "指定された基準"
        write(f"{how}: {preview.threshold}")
        if not preview.disagreements:
            write("公表された達成状況はすべて計算上の達成状況と一致します。")
        for row in preview.disagreements:
            computed = row.computed.status.label if row.computed.status else "判定なし"
            write(
                f"  公表と計算が違う行: {row.indicator.where} {row.indicator.name}: "
                f"公表 {row.published.label}、計算 {computed}（{row.computed.reason}）"
            )
