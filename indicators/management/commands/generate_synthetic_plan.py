from django.core.management.base import BaseCommand, CommandError

from indicators.services.synthetic import build_synthetic_plan
from policies.models import Plan


class Command(BaseCommand):
    help = (
        "Create a SYNTHETIC plan (made-up names and figures, marked 【合成データ】) of a "
        "realistic size, for demonstrations and benchmarks. Never a city's data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="synthetic", help="the new plan's slug")
        parser.add_argument("--projects", type=int, default=400)
        parser.add_argument("--departments", type=int, default=12)
        parser.add_argument(
            "--reporting-year",
            type=int,
            default=2024,
            help="the year being reported: earlier years are published, this one is a mix",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, slug, projects, departments, reporting_year, seed, **options):
        if Plan.objects.filter(slug=slug).exists():
            raise CommandError(f"a plan with the slug {slug!r} exists already")
        if projects < 1 or departments < 1:
            raise CommandError("--projects and --departments must be at least 1")
        if not 2020 <= reporting_year <= 2024:
            raise CommandError("--reporting-year must be within the plan's period, 2020–2024")
        built = build_synthetic_plan(
            slug=slug,
            projects=projects,
            departments=departments,
            reporting_year=reporting_year,
            seed=seed,
        )
        self.stdout.write(
            f"synthetic plan {slug!r}: {built.projects} projects, {built.indicators} indicators, "
            f"{built.actuals} actuals; public page {built.plan.get_absolute_url()}"
        )
