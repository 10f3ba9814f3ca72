from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from policies import second_factor


class Command(BaseCommand):
    help = (
        "Forget a user's authenticator app and recovery codes (a lost phone): "
        "at their next sign-in they enrol a new app."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as error:
            raise CommandError(f"no user named {username!r}") from error
        removed = second_factor.reset(user)
        self.stdout.write(f"{username}: {removed} device(s) removed; the next sign-in enrols again")
