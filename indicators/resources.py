"""django-import-export resources: how actuals are written to XLSX and CSV exports."""

from import_export import fields, resources

from indicators.models import Actual
from indicators.values import plain_number
from policies.fiscal_years import format_era


class ActualExportResource(resources.ModelResource):
    """One row per actual, for planners: working and published figures with their state."""

    plan = fields.Field(attribute="indicator__project__plan__slug", column_name="計画")
    indicator_id = fields.Field(attribute="indicator_id", column_name="ID")
    fiscal_year = fields.Field(column_name="年度")
    project_number = fields.Field(attribute="indicator__project__number", column_name="事業番号")
    project = fields.Field(attribute="indicator__project__name", column_name="事業名")
    department = fields.Field(
        attribute="indicator__project__department__name", column_name="担当課"
    )
    indicator = fields.Field(attribute="indicator__name", column_name="指標項目")
    unit = fields.Field(attribute="indicator__unit", column_name="単位")
    value = fields.Field(attribute="value", column_name="実績値")
    note = fields.Field(attribute="note", column_name="備考")
    state = fields.Field(column_name="状態")
    published_value = fields.Field(attribute="published_value", column_name="公表値")

    class Meta:
        model = Actual
        fields = (
            "plan",
            "indicator_id",
            "fiscal_year",
            "project_number",
            "project",
            "department",
            "indicator",
            "unit",
            "value",
            "note",
            "state",
            "published_value",
        )
        export_order = fields

    def dehydrate_fiscal_year(self, actual):
        return format_era(actual.fiscal_year)

    def dehydrate_state(self, actual):
        return actual.get_state_display()

    def dehydrate_value(self, actual):
        return plain_number(actual.value)

    def dehydrate_published_value(self, actual):
        return plain_number(actual.published_value)
