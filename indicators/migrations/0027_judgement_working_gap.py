from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_plans(apps, schema_editor):
    """Copy each judgement's plan (the column is NOT NULL next). Its gap is measured by
    0028_refill_stored_tables, with every stored table."""
    from indicators.services.bulk import immediate_constraint_checks

    Indicator = apps.get_model("indicators", "Indicator")
    Judgement = apps.get_model("indicators", "Judgement")
    plan = Indicator.objects.filter(pk=OuterRef("indicator_id")).values("project__plan_id")
    # Checked as they are written: PostgreSQL alters no table with checks still pending.
    with immediate_constraint_checks():
        Judgement.objects.update(plan_id=Subquery(plan[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0026_search_entries"),
        ("policies", "0006_project_policy_number_index"),
    ]

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
        migrations.AddField(
            model_name="judgement",
            name="plan_id",
            field=models.BigIntegerField(null=True, verbose_name="計画"),
        ),
        migrations.RunPython(copy_plans, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="judgement",
            name="plan_id",
            field=models.BigIntegerField(verbose_name="計画"),
        ),
        migrations.AddIndex(
            model_name="judgement",
            index=models.Index(
                models.F("plan_id"),
                models.F("fiscal_year"),
                models.OrderBy(models.F("working_gap"), descending=True),
                condition=models.Q(("working_gap__isnull", False)),
                name="judgement_off_trajectory",
            ),
        ),
        migrations.AddField(
            model_name="workingsummary",
            name="behind_line",
            field=models.PositiveIntegerField(default=0, verbose_name="軌道から遅れている指標"),
            preserve_default=False,
        ),
    ]
