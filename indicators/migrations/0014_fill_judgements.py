from django.db import migrations


def fill(apps, schema_editor):
    from indicators.services.judgements import write_judgements

    Indicator = apps.get_model("indicators", "Indicator")
    write_judgements(
        apps.get_model("indicators", "Judgement"),
        apps.get_model("indicators", "Actual"),
        apps.get_model("indicators", "OfficialStatus"),
        Indicator.objects.order_by("pk"),
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0013_judgement")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
