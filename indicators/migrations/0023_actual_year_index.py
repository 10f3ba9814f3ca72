from django.db import migrations, models


class Migration(migrations.Migration):
    """An index of the actuals' fiscal year: the admin's fiscal-year filter probes it once
    per year instead of reading every actual for their distinct years."""

    dependencies = [
        ("indicators", "0020_search_name_statistics"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actual",
            index=models.Index(fields=["fiscal_year"], name="actual_year"),
        ),
    ]
