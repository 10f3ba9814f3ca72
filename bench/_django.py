"""Start Django for a benchmark on a throwaway database: a new SQLite file under a temporary
directory, or, when DATABASE_URL names a PostgreSQL database, a new test database beside it
(``test_<name>``, dropped by ``cleanup()``)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ThrowawayDatabase:
    """The benchmark's database; ``cleanup()`` removes it. ``vendor`` is "sqlite" or
    "postgresql"; DATABASE_URL is set to it, so that subprocesses (manage.py) use it too."""

    def __init__(self, vendor: str, tmp: tempfile.TemporaryDirectory, old_name: str = ""):
        self.vendor = vendor
        self.name = tmp.name
        self._tmp = tmp
        self._old_name = old_name

    def cleanup(self) -> None:
        if self._old_name:
            from django.db import connection

            connection.creation.destroy_test_db(self._old_name, verbosity=0)
        self._tmp.cleanup()


def setup_throwaway_django(*, debug: bool = False, reuse: bool = False) -> ThrowawayDatabase:
    """Point Django at a new database, set it up and migrate; keep the returned object
    alive for as long as the database is used and call its ``cleanup()`` at the end.
    With ``reuse`` and a PostgreSQL DATABASE_URL, DATABASE_URL's own database is migrated
    and used, and kept by ``cleanup()`` (to repeat a measurement without building its data
    again)."""
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.TemporaryDirectory()
    given = os.environ.get("DATABASE_URL", "")
    postgres = given.startswith(("postgres://", "postgresql://"))
    if not postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    if debug:
        os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yumeplan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not postgres:
        call_command("migrate", verbosity=0)
        return ThrowawayDatabase("sqlite", tmp)
    if reuse:
        call_command("migrate", verbosity=0)
        return ThrowawayDatabase("postgresql", tmp)
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    os.environ["DATABASE_URL"] = given.rsplit("/", 1)[0] + "/" + test_name
    return ThrowawayDatabase("postgresql", tmp, old_name)


def vacuum_after_load() -> None:
    """On PostgreSQL, what autovacuum does within a minute of a bulk load: since
    PostgreSQL 13 it vacuums a table after many inserts too, not only analyzes it, which
    sets the visibility map that index-only scans read (this machine's PostgreSQL has
    autovacuum off). Updates of a few percent of a table (a publication) trigger neither;
    ``analyze()`` stands for the statistics after them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def analyze() -> None:
    """On PostgreSQL, what autovacuum does within a minute of a bulk load (production runs
    with autovacuum on, its default; this machine's PostgreSQL has it off): without
    statistics the planner guesses a few rows and picks nested loops over the whole plan."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def make_planner(username: str = "bench-planner"):
    """A staff user in the planners' group (may review and publish every department's figures)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from policies import roles

    roles.ensure_roles()
    planner = get_user_model().objects.create_user(username, is_staff=True)
    planner.groups.add(Group.objects.get(name=roles.PLANNER_GROUP))
    return planner


def signed_in_client(user):
    """A test client signed in as ``user``, past the second step of the sign-in (an
    authenticator app confirmed for the session) for a user who must give one, as
    tests/conftest.py's StaffClient does."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from policies import second_factor

    client = Client()
    client.force_login(user)
    if second_factor.required_for(user):
        device = second_factor.app_device(user) or TOTPDevice.objects.create(
            user=user, name=second_factor.APP_DEVICE_NAME
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def upload_records(indicators, values) -> list[dict]:
    """The rows of an upload of R6 figures (``values`` by indicator id), as an officer's
    file gives them to ``imports.confirm``."""
    from indicators.services import imports

    return [
        {
            imports.ID: str(i.pk),
            imports.YEAR: "R6",
            imports.PROJECT_NUMBER: i.project.number,
            imports.INDICATOR: i.name,
            imports.VALUE: str(values[i.pk]),
            imports.NOTE: "合成",
        }
        for i in indicators
    ]


@contextlib.contextmanager
def count_queries():
    """Count the queries run inside the block: ``with count_queries() as count: …;
    count[0]``. Unlike CaptureQueriesContext it keeps no SQL, so it has no 9,000 limit."""
    from django.db import connection

    count = [0]

    def counter(execute, *args):
        count[0] += 1
        return execute(*args)

    with connection.execute_wrapper(counter):
        yield count


def synthetic_plan_from_arguments() -> ThrowawayDatabase:
    """Read ``--projects`` (default 400), start Django on a throwaway database, build the
    synthetic plan "bench-synthetic" and print its size; returns the database."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=400)
    args = parser.parse_args()
    database = setup_throwaway_django(debug=True)
    from indicators.services.synthetic import build_synthetic_plan

    built = build_synthetic_plan(slug="bench-synthetic", projects=args.projects)
    print(
        f"synthetic plan: {built.projects:,} projects, {built.indicators:,} indicators, "
        f"{built.actuals:,} actuals ({database.vendor})"
    )
    return database
