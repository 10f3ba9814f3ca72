from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.file_limits import FileLimitError, check_size
from indicators.services.plan_io import PlanImportError, import_plan


class Command(BaseCommand):
    help = "Import a whole plan from an XLSX workbook (format: docs/import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"ファイルを読めません: {exc}") from exc
        except FileLimitError as exc:
            raise CommandError(f"取り込めませんでした（何も保存していません）。\n{exc}") from exc
        try:
            plan = import_plan(data)
        except PlanImportError as exc:
            raise CommandError(f"取り込めませんでした（何も保存していません）。\n{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"計画「{plan.name}」（{plan.slug}）を取り込みました。")
        )
