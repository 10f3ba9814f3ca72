"""Open data: the read-only JSON API and the CSV/JSON/XLSX downloads (docs/api.md).

Published figures only; API answers are cached until the next publication, downloads are
streamed a chunk of indicators at a time; every response states its licence in the
``Link`` header (rel="license") as well as in the JSON body.
"""

from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from indicators.values import parse_whole_number
from policies.models import BasicPolicy, Plan

from . import opendata
from .caching import absolute_url, cached_public

LICENCE_LINK = f'<{opendata.LICENCE["url"]}>; rel="license"'
JSON_OPTIONS = {"ensure_ascii": False, "indent": 1}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
            "indicators_url": absolute_url(
                request, reverse("opendata:api_indicators", kwargs={"slug": plan.slug})
            ),
        }
        for plan in Plan.objects.order_by("-start_fiscal_year", "name")
    ]
    payload = {"licence": opendata.LICENCE, "plans": plans}
    return _with_licence(JsonResponse(payload, json_dumps_params=JSON_OPTIONS))


@cached_public(reads=("page",))
def api_indicators(request, slug):
    """A page of a plan's indicators (``?page=2``), with links to the pages beside it."""
    plan = get_object_or_404(Plan, slug=slug)
    # A whole number of at most 9 digits: a longer one is past any plan's last page (and
    # past SQL's OFFSET, or Python's limit on the digits int() reads: a 500, not a 404).
    number = parse_whole_number(request.GET.get("page", "1"))
    if not number:
        raise Http404
    page = opendata.indicator_page(plan, number)
    if page is None:
        raise Http404
    path = reverse("opendata:api_indicators", kwargs={"slug": slug})
    pages = page.pop("pages")
    page["next"] = f"{path}?page={number + 1}" if number < pages else None
    page["previous"] = f"{path}?page={number - 1}" if number > 1 else None
    return _with_licence(JsonResponse(page, json_dumps_params=JSON_OPTIONS))


@require_safe
def download(request, slug, fmt, number=None):
    """The plan's (or one policy's) indicators as CSV (UTF-8 with BOM), JSON or XLSX,
    streamed so that neither time to first byte nor memory grows with the plan."""
    plan = get_object_or_404(Plan, slug=slug)
    policy = None
    if number is not None:
        policy = get_object_or_404(BasicPolicy, plan=plan, number=number)
    indicators = opendata.plan_indicators(plan, policy)
    name = f"{plan.slug}-policy{number}" if policy else plan.slug
    filename = f"{name}-indicators.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            opendata.csv_lines(plan, indicators), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in opendata.json_chunks(plan, indicators, policy)),
            content_type="application/json",
        )
    elif fmt == "xlsx":
        response = StreamingHttpResponse(
            opendata.xlsx_chunks(plan, indicators), content_type=XLSX_TYPE
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _with_licence(response)
