from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.services.plan_io import export_plan
from policies.models import Plan


class Command(BaseCommand):
    help = "Export a whole plan as an XLSX workbook (format: docs/import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("path", type=Path)

    def handle(self, *args, slug: str, path: Path, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"slug「{slug}」の計画はありません。")
        path.write_bytes(export_plan(plan))
        self.stdout.write(self.style.SUCCESS(f"{path} に書き出しました。"))
