from django.db import migrations, models


class Migration(migrations.Migration):
    """An index of the projects by policy and number: the staff lists walk a policy's
    projects in number order and stop at the end of the page (indicators.plan_lists)."""

    dependencies = [
        ("policies", "0005_project_summary_order_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["basic_policy", "number"], name="project_policy_number"),
        ),
    ]
