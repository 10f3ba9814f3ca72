"""Statistics of the upper-cased names and numbers the search compares, on PostgreSQL.

The search matches words with ``icontains``, which PostgreSQL runs as
``UPPER(column) LIKE UPPER(pattern)``. Without statistics of those expressions the planner
guesses that one row in 200 matches, and where most rows do (a word every name has) it
picks nested loops over the whole plan: 0.24 s instead of 0.07 s at 41,200 projects.
``CREATE STATISTICS`` on an expression (PostgreSQL 14+) makes ANALYZE keep its histogram,
at no cost to writes (unlike an index). SQLite has no use for it.
"""

from django.db import migrations

COLUMNS = {
    "policies_project": ("number", "name", "name_en"),
    "indicators_indicator": ("name", "name_en"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(
                f"CREATE STATISTICS IF NOT EXISTS {table}_upper_{column} "
                f"ON (UPPER({column}::text)) FROM {table}"
            )
        schema_editor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {table}_upper_{column}")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0019_public_version_scopes"),
        ("policies", "0004_project_summary_order_integer"),
    ]

    operations = [migrations.RunPython(create, drop)]
