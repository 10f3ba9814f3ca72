"""The open data page (/data/), the API documentation page and the machine-readable
catalogue (DCAT-AP in JSON-LD) that a national data catalogue can harvest."""

from pathlib import Path

import markdown
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from indicators.cache import last_changed_at
from policies.models import Plan

from . import api, opendata
from .caching import absolute_url, cached_public

API_DOCUMENT = Path(settings.BASE_DIR) / "docs" / "api.md"
API_DOCUMENT_LIMIT = 200_000  # characters: the document is ours, but every read is bounded
FORMATS = {"csv": "text/csv", "json": "application/json", "xlsx": api.XLSX_TYPE}
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def plan_downloads(plan) -> list[dict]:
    """Every download of a plan: the whole plan, then each basic policy, in every format."""
    downloads = []
    for fmt in FORMATS:
        downloads.append(
            {
                "policy": None,
                "format": fmt,
                "url": reverse("opendata:plan_download", kwargs={"slug": plan.slug, "fmt": fmt}),
            }
        )
    for policy in plan.basic_policies.all():
        for fmt in FORMATS:
            downloads.append(
                {
                    "policy": policy,
                    "format": fmt,
                    "url": reverse(
                        "opendata:policy_download",
                        kwargs={"slug": plan.slug, "number": policy.number, "fmt": fmt},
                    ),
                }
            )
    return downloads


def _plans():
    return list(Plan.objects.prefetch_related("basic_policies"))


@cached_public
def open_data(request):
    plans = [{"plan": plan, "downloads": plan_downloads(plan)} for plan in _plans()]
    return render(request, "public/open_data.html", {"plans": plans, "licence": opendata.LICENCE})


@cached_public
def api_documentation(request):
    with API_DOCUMENT.open(encoding="utf-8") as document:
        text = document.read(API_DOCUMENT_LIMIT)
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    return render(request, "public/api_documentation.html", {"document": mark_safe(html)})


def _distribution(request, plan, download) -> dict:
    policy = download["policy"]
    title = plan.name if policy is None else f"{plan.name} 基本方針 {policy.number}"
    url = absolute_url(request, download["url"])
    return {
        "@type": "dcat:Distribution",
        "@id": url,
        "dct:title": f"{title}（{download['format'].upper()}）",
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": FORMATS[download["format"]],
        "dct:format": download["format"].upper(),
        "dct:license": {"@id": opendata.LICENCE["url"]},
    }


def _dataset(request, plan, publisher, modified) -> dict:
    page = absolute_url(request, plan.get_absolute_url())
    return {
        "@type": "dcat:Dataset",
        "@id": page + "#dataset",
        "dct:identifier": plan.slug,
        "dct:title": [{"@value": plan.name, "@language": "ja"}]
        + ([{"@value": plan.name_en, "@language": "en"}] if plan.name_en else []),
        "dct:description": {
            "@value": f"{plan.name}の主な指標、目標、公表された実績と達成状況",
            "@language": "ja",
        },
        "dct:publisher": publisher,
        "dct:license": {"@id": opendata.LICENCE["url"]},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{plan.start_fiscal_year}-04-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{plan.end_fiscal_year + 1}-03-31", "@type": "xsd:date"},
        },
        "dct:modified": modified,
        "dcat:landingPage": {"@id": page},
        "dcat:keyword": ["子育て", "施策評価", "指標"],
        "dcat:distribution": [
            _distribution(request, plan, download) for download in plan_downloads(plan)
        ],
    }


@cached_public
def catalogue(request):
    """The DCAT catalogue of every plan's downloads and the API, in JSON-LD."""
    operator = settings.SITE_OPERATOR
    publisher = {"@type": "foaf:Agent", "foaf:name": operator["name"] or "Yumeplan"}
    changed_at = last_changed_at()
    modified = {"@value": changed_at.isoformat(), "@type": "xsd:dateTime"} if changed_at else None
    api_url = absolute_url(request, reverse("opendata:api_plans"))
    payload = {
        "@context": DCAT_CONTEXT,
        "@type": "dcat:Catalog",
        "@id": absolute_url(request, reverse("opendata:catalogue")),
        "dct:title": {"@value": "Yumeplan オープンデータ", "@language": "ja"},
        "dct:publisher": publisher,
        "dct:license": {"@id": opendata.LICENCE["url"]},
        "foaf:homepage": {"@id": absolute_url(request, reverse("public:open_data"))},
        "dcat:dataset": [_dataset(request, plan, publisher, modified) for plan in _plans()],
        "dcat:service": {
            "@type": "dcat:DataService",
            "@id": api_url,
            "dct:title": "Yumeplan JSON API",
            "dcat:endpointURL": {"@id": api_url},
            "dcat:endpointDescription": {
                "@id": absolute_url(request, reverse("public:api_documentation"))
            },
            "dct:license": {"@id": opendata.LICENCE["url"]},
        },
    }
    response = JsonResponse(
        payload, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
