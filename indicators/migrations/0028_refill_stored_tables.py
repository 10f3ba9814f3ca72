"""Every stored table filled again, by today's services, on the models of this state: the
one fill of the data migrations (``_stored_tables``), so that a database migrating from
before the stored judgements reaches today's columns before anything writes them."""

import importlib

from django.db import migrations

stored_tables = importlib.import_module("indicators.migrations._stored_tables")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0027_judgement_working_gap"),
        ("policies", "0006_project_policy_number_index"),
    ]

    operations = [migrations.RunPython(stored_tables.refill, migrations.RunPython.noop)]
