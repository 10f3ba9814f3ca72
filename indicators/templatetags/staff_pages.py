"""Links from the admin to the planners' status pages (``indicators.staff_views``)."""

from django import template
from django.utils import timezone

from policies import roles
from policies.models import Plan

register = template.Library()


@register.inclusion_tag("admin/indicators/staff_pages.html", takes_context=True)
def staff_pages(context):
    """Each plan's status pages for the year it is being reported on, for those who may
    open them (planners and superusers, as ``staff_views.planner_required`` decides);
    nothing for anyone else. One query whatever the number of plans."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not roles.is_planner(user):
        return {"plans": []}
    today = timezone.localdate()
    return {
        "plans": [
            (plan, plan.status_fiscal_year(today))
            for plan in Plan.objects.with_latest_reporting_year()
        ]
    }
