"""Start Django for a benchmark on a throwaway SQLite database under a temporary directory."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_throwaway_django(*, debug: bool = False) -> tempfile.TemporaryDirectory:
    """Point Django at a new SQLite file, set it up and migrate; keep the returned
    directory alive for as long as the database is used."""
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    if debug:
        os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yumeplan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp


def synthetic_plan_from_arguments() -> tempfile.TemporaryDirectory:
    """Read ``--projects`` (default 400), start Django on a throwaway database, build the
    synthetic plan "bench-synthetic" and print its size; returns the database's folder."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=400)
    args = parser.parse_args()
    tmp = setup_throwaway_django(debug=True)
    from indicators.services.synthetic import build_synthetic_plan

    built = build_synthetic_plan(slug="bench-synthetic", projects=args.projects)
    print(
        f"synthetic plan: {built.projects:,} projects, {built.indicators:,} indicators, "
        f"{built.actuals:,} actuals (SQLite)"
    )
    return tmp
