"""The runbook's backup and restore (docs/deployment.md): pg_dump of a database with history,
pg_restore into a new one, and the same rows and the same plan come back.

Marked ``serving``: needs PostgreSQL and its client tools (YUMEPLAN_SERVING_TESTS=1).
"""

import subprocess

import psycopg
import pytest

from tests.serving_support import _serving, postgres_url

pytestmark = pytest.mark.serving

MAKE_HISTORY = f"""
from decimal import Decimal
from indicators.models import Actual
for actual in Actual.objects.filter(
    indicator__project__plan__slug="{_serving.SYNTHETIC_SLUG}"
).order_by("pk")[:20]:
    actual.note = "訂正の記録"
    actual.save()
    actual.value = actual.value + Decimal("1")
    actual.save()
"""


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


def test_pg_dump_and_pg_restore_bring_back_every_row_and_its_history(tmp_path):
    with _serving.Servers(postgres_url(), "", count=0, name="backup") as source:
        source._manage("shell", "-c", MAKE_HISTORY)
        status = source._manage("plan_status")
        counts = row_counts(source.env["DATABASE_URL"])
        assert counts["indicators_historicalactual"] >= 40
        dump = tmp_path / "yumeplan.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", source.env["DATABASE_URL"]],
            check=True,
        )
    admin_url = _serving.database_url(postgres_url(), "postgres")
    restored = f"{source.name}_restored"
    restored_url = _serving.database_url(postgres_url(), restored)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{restored}"')  # an empty database, as the runbook says
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_url}", str(dump)],
            check=True,
        )
        assert row_counts(restored_url) == counts
        result = subprocess.run(
            [str(_serving.PYTHON), "manage.py", "plan_status"],
            cwd=_serving.ROOT,
            env={**source.env, "DATABASE_URL": restored_url},
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout == status
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
