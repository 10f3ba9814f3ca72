"""Statistics of the upper-cased names and numbers of projects, on PostgreSQL.

The search matches words with ``icontains``, which PostgreSQL runs as
``UPPER(column) LIKE UPPER(pattern)``. Without statistics of those expressions the planner
guesses that one row in 200 matches, and where most rows do (a word every name has) it
picks nested loops over the whole plan: 0.24 s instead of 0.07 s at 41,200 projects.
``CREATE STATISTICS`` on an expression (PostgreSQL 14+) makes ANALYZE keep its histogram,
at no cost to writes (unlike an index). SQLite has no use for it.
"""

from django.db import migrations

EXPRESSIONS = ("number", "name", "name_en")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in EXPRESSIONS:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS policies_project_upper_{column} "
            f"ON (UPPER({column}::text)) FROM policies_project"
        )
    schema_editor.execute("ANALYZE policies_project")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in EXPRESSIONS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS policies_project_upper_{column}")


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_project_summary_order_integer")]

    operations = [migrations.RunPython(create, drop)]
