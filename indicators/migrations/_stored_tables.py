"""The data migrations' one writer of the stored tables (not a migration: the loader skips
names starting with "_").

Judgements, published and working summaries, policy counts and search entries are
derived from the plans and their figures, and written by today's services
(``indicators.services``), which read and write today's columns. Run on a database
migrating from an older schema, an older migration calling them asked for columns that a
later migration adds (0014 for ``Judgement.working_gap``, from 0027). So only the newest
migration that changes those tables fills them, all at once, with ``refill``; the older
ones that did are no-ops now. A new migration changing them calls ``refill`` last and
turns the previous caller's step into a no-op.
"""


def refill(apps, schema_editor):
    """Judge every indicator and count every summary, count and search entry again, on the
    historical models of the migration that calls it."""
    from indicators.services.bulk import immediate_constraint_checks
    from indicators.services.judgements import write_judgements
    from indicators.services.search_entries import write_entries
    from indicators.services.summaries import write_summaries
    from indicators.services.working_summaries import write_working_summaries

    indicators = apps.get_model("indicators", "Indicator").objects.order_by("pk")
    # Checked as they are written: PostgreSQL alters no table with checks still pending.
    with immediate_constraint_checks():
        write_judgements(
            apps.get_model("indicators", "Judgement"),
            apps.get_model("indicators", "Actual"),
            apps.get_model("indicators", "OfficialStatus"),
            indicators,
        )
        policies = list(
            apps.get_model("policies", "BasicPolicy").objects.values_list("pk", flat=True)
        )
        write_summaries(apps, policies)
        write_working_summaries(apps, policies)
        write_entries(apps, apps.get_model("policies", "Project").objects.all())
