"""The city's own document: 施策達成状況概要 as a PDF made from the published data.

WeasyPrint lays out an HTML template (A4 landscape, one page per basic policy, as the
city prints it) and writes a tagged PDF (PDF/UA-1) so that screen readers read its
tables; Debian's Noto Sans CJK (fonts-noto-cjk) is embedded. Published figures only.
"""

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation

from indicators import published
from policies.models import Highlight, Plan

from .caching import cached_public
from .summary import summary_projects, summary_rows

STYLESHEET = "css/summary-pdf.css"
# WeasyPrint lays out 412 rows in about 4 s and 130 MB: a larger summary table would hold
# a worker for minutes and take gigabytes. Its readers get the same data as pages and files.
PDF_MAX_PROJECTS = 500


def policy_pages(plan, fiscal_year: int) -> list[dict]:
    """Each basic policy with its measures, its achievement table for the year and its
    highlights, in a fixed number of queries."""
    policies = list(plan.basic_policies.prefetch_related("measures"))
    rows = summary_rows(plan, fiscal_year)
    highlights = Highlight.objects.filter(project__plan=plan).select_related("project")
    return [
        {
            "policy": policy,
            "rows": [row for row in rows if row.project.basic_policy_id == policy.pk],
            "highlights": [h for h in highlights if h.project.basic_policy_id == policy.pk],
        }
        for policy in policies
    ]


def summary_pdf_bytes(request, plan, fiscal_year: int) -> bytes:
    # WeasyPrint loads Pango through cffi: import it only when a PDF is asked for.
    from weasyprint import CSS, HTML

    with translation.override("ja"):  # the city's document is Japanese on either site
        html = render_to_string(
            "public/summary_pdf.html",
            {"plan": plan, "fiscal_year": fiscal_year, "pages": policy_pages(plan, fiscal_year)},
            request=request,
        )
    document = HTML(string=html, base_url=request.build_absolute_uri("/"))
    stylesheet = CSS(filename=finders.find(STYLESHEET))
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")


@cached_public
def summary_pdf(request, slug, year):
    plan = get_object_or_404(Plan, slug=slug)
    if year not in published.published_years(plan):
        raise Http404
    projects = summary_projects(plan).count()
    if projects > PDF_MAX_PROJECTS:
        context = {"plan": plan, "fiscal_year": year, "projects": projects}
        context["limit"] = PDF_MAX_PROJECTS
        return render(request, "public/summary_too_long.html", context)
    response = HttpResponse(summary_pdf_bytes(request, plan, year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{plan.slug}-summary-{year}.pdf"'
    return response
