from django.db import migrations


def fill(apps, schema_editor):
    from indicators.services.summaries import write_summaries

    BasicPolicy = apps.get_model("policies", "BasicPolicy")
    write_summaries(apps, BasicPolicy.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0017_published_summary")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
