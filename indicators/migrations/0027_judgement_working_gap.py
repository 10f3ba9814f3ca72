from django.db import migrations, models


def fill(apps, schema_editor):
    """Judge every indicator again: the rows it changes are those behind their line."""
    from indicators.services.judgements import write_judgements

    Indicator = apps.get_model("indicators", "Indicator")
    write_judgements(
        apps.get_model("indicators", "Judgement"),
        apps.get_model("indicators", "Actual"),
        apps.get_model("indicators", "OfficialStatus"),
        Indicator.objects.order_by("pk"),
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0026_search_entries")]

    operations = [
        migrations.AddField(
            model_name="judgement",
            name="working_gap",
            field=models.DecimalField(
                decimal_places=6,
                max_digits=22,
                null=True,
                verbose_name="目標への軌道からの遅れ",
            ),
        ),
        migrations.AddIndex(
            model_name="judgement",
            index=models.Index(
                models.F("fiscal_year"),
                models.OrderBy(models.F("working_gap"), descending=True),
                condition=models.Q(("working_gap__isnull", False)),
                name="judgement_off_trajectory",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
