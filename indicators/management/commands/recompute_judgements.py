from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.cache import bump_public_cache
from indicators.services.judgements import recompute_all_judgements


class Command(BaseCommand):
    help = "Judge every indicator of every plan again and store the results (after a rule change)."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = recompute_all_judgements()
            bump_public_cache()
        self.stdout.write(f"{written} judgements stored.")
