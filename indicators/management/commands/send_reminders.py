from django.core.management.base import BaseCommand

from indicators.services.reminders import send_reminders


class Command(BaseCommand):
    help = "Mail each department the list of its figures of a fiscal year not yet handed in."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="fiscal year, e.g. 2024")
        parser.add_argument(
            "--escalate-after",
            type=int,
            default=None,
            help="days after the due date from which the planners are copied "
            "(default: settings.REMINDER_ESCALATION_DAYS)",
        )

    def handle(self, *args, year, escalate_after, **options):
        result = send_reminders(fiscal_year=year, escalate_after_days=escalate_after)
        for log in result.sent:
            self.stdout.write(
                f"sent {log.get_kind_display()}: {log.department} "
                f"({log.missing_count}) → {log.recipients}"
            )
        for name in result.skipped_today:
            self.stdout.write(f"already reminded today: {name}")
        for name in result.no_address:
            self.stderr.write(f"no member with an e-mail address: {name}")
        for name in result.plans_without_due_date:
            self.stderr.write(f"no due date set for {year}: {name}")
