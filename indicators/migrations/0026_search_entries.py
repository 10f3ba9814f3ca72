"""Search entries: the public search's results, stored (``indicators.services.search_entries``).

Its table is filled by 0028_refill_stored_tables; this drops what the search read before: the
statistics of upper-cased names (``0020``), and the index and statistics of the judgements'
year and published status (``0023``).
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

names_statistics = importlib.import_module("indicators.migrations.0020_search_name_statistics")
status_statistics = importlib.import_module("indicators.migrations.0023_judgement_published_status")


# Filled by 0028_refill_stored_tables (see _stored_tables): today's services, run here on
# an older schema, would ask for columns that later migrations add.

class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0025_judgement_official_index"),
        ("policies", "0006_project_policy_number_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("policy_number", models.PositiveSmallIntegerField(verbose_name="基本方針の番号")),
                ("measure_id", models.BigIntegerField(null=True, verbose_name="基本施策")),
                ("department_id", models.BigIntegerField(null=True, verbose_name="担当課")),
                (
                    "summary_order",
                    models.PositiveIntegerField(null=True, verbose_name="総括表の順"),
                ),
                ("project_number", models.CharField(max_length=20, verbose_name="事業番号")),
                (
                    "indicator_order",
                    models.IntegerField(help_text="指標のない事業は -1", verbose_name="指標の順"),
                ),
                ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="目標年度")),
                (
                    "published_status",
                    models.CharField(blank=True, max_length=20, verbose_name="公表中の判定"),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="事業番号・事業名・指標名（NFKC 正規化、小文字）",
                        verbose_name="検索する文字列",
                    ),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        help_text="空欄は指標のない事業",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="indicators.indicator",
                        verbose_name="指標",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="policies.plan",
                        verbose_name="計画",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="policies.project",
                        verbose_name="事業",
                    ),
                ),
            ],
            options={
                "verbose_name": "検索の索引",
                "verbose_name_plural": "検索の索引",
                "indexes": [
                    models.Index(
                        fields=[
                            "plan",
                            "policy_number",
                            "summary_order",
                            "project_number",
                            "project",
                            "indicator_order",
                            "indicator",
                        ],
                        name="search_entry_plan_order",
                    ),
                    models.Index(
                        fields=[
                            "plan",
                            "published_status",
                            "policy_number",
                            "summary_order",
                            "project_number",
                            "project",
                            "indicator_order",
                            "indicator",
                        ],
                        name="search_entry_status",
                    ),
                ],
            },
        ),
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
        migrations.RunPython(names_statistics.drop, names_statistics.create),
        # The search's status filter reads its entries now, not the judgements.
        migrations.RemoveIndex(model_name="judgement", name="judgement_published_status"),
        migrations.RunPython(status_statistics.drop, status_statistics.create),
    ]
