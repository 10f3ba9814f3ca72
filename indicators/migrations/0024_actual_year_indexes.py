"""Indexes of the actuals' fiscal year, and on PostgreSQL statistics of year and state.

The admin's fiscal-year filter probes ``actual_year`` once per year instead of reading
every actual for their distinct years. The review queue walks a plan's projects in order
and probes ``actual_submitted`` for each indicator's submitted figure of the year, or,
where a year has few, reads them from it directly; which of the two is cheaper the planner
can only tell from how many submitted figures the year has, and it takes year and state
for independent (a year long past has none, the current one thousands) unless
``CREATE STATISTICS`` keeps their most common pairs: 0.3 s instead of 2 ms for an empty
queue at 41,200 projects.
"""

from django.db import migrations, models


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE STATISTICS IF NOT EXISTS indicators_actual_year_state (mcv) "
        "ON fiscal_year, state FROM indicators_actual"
    )
    schema_editor.execute("ANALYZE indicators_actual")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP STATISTICS IF EXISTS indicators_actual_year_state")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0023_judgement_published_status"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actual",
            index=models.Index(fields=["fiscal_year"], name="actual_year"),
        ),
        migrations.AddIndex(
            model_name="actual",
            index=models.Index(
                condition=models.Q(state="submitted"),
                fields=["fiscal_year", "indicator"],
                name="actual_submitted",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
