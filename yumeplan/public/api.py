"""Open data: the read-only JSON API and the CSV/JSON downloads (docs/api.md).

Published figures only; every response is cached until the next publication and states
its licence in the ``Link`` header (rel="license") as well as in the JSON body.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from policies.models import BasicPolicy, Plan

from . import opendata
from .caching import cached_public

LICENCE_LINK = f'<{opendata.LICENCE["url"]}>; rel="license"'
JSON_OPTIONS = {"ensure_ascii": False, "indent": 1}


def site_url(path: str) -> str:
    """``path`` under the configured SITE_ORIGIN, or as it is (relative) without one: never
    under the host of the request, as the answer is cached and shared by every client."""
    return f"{settings.SITE_ORIGIN}{path}"


def _with_licence(response):
    response["Link"] = LICENCE_LINK
    response["Access-Control-Allow-Origin"] = "*"
    return response


@cached_public
def api_plans(request):
    plans = [
        {
            "slug": plan.slug,
            "name": plan.name,
            "name_en": plan.name_en,
            "start_fiscal_year": plan.start_fiscal_year,
            "end_fiscal_year": plan.end_fiscal_year,
            "indicators_url": site_url(
                reverse("opendata:api_indicators", kwargs={"slug": plan.slug})
            ),
        }
        for plan in Plan.objects.order_by("-start_fiscal_year", "name")
    ]
    payload = {"licence": opendata.LICENCE, "plans": plans}
    return _with_licence(JsonResponse(payload, json_dumps_params=JSON_OPTIONS))


@cached_public
def api_indicators(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    payload = opendata.plan_payload(plan, opendata.plan_indicators(plan))
    return _with_licence(JsonResponse(payload, json_dumps_params=JSON_OPTIONS))


@cached_public
def download(request, slug, fmt, number=None):
    """The plan's (or one policy's) indicators as CSV (UTF-8 with BOM) or JSON."""
    plan = get_object_or_404(Plan, slug=slug)
    policy = None
    if number is not None:
        policy = get_object_or_404(BasicPolicy, plan=plan, number=number)
    indicators = opendata.plan_indicators(plan, policy)
    name = f"{plan.slug}-policy{number}" if policy else plan.slug
    if fmt == "csv":
        response = HttpResponse(
            opendata.csv_text(plan, indicators).encode("utf-8"),
            content_type="text/csv; charset=utf-8",
        )
    elif fmt == "json":
        response = JsonResponse(
            opendata.plan_payload(plan, indicators), json_dumps_params=JSON_OPTIONS
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}-indicators.{fmt}"'
    return _with_licence(response)
