from django.db import migrations

# Filled by 0028_refill_stored_tables (see _stored_tables): today's services, run here on
# an older schema, would ask for columns that later migrations add.


class Migration(migrations.Migration):
    dependencies = [("indicators", "0017_published_summary")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
