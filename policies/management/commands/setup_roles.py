from django.core.management.base import BaseCommand

from policies import roles


class Command(BaseCommand):
    help = "Create or update the back-office groups (担当課職員, 企画担当) and their permissions."

    def handle(self, *args, **options):
        for name in roles.ensure_roles():
            self.stdout.write(f"{name}: ok")
