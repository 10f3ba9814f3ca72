"""Follow a plan: an Atom feed of its publications and corrections, the sitemap and
robots.txt."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from indicators.models import Actual, ActualCorrection
from policies.fiscal_years import format_era
from policies.models import BasicPolicy, Plan, Project

from .caching import absolute_url, cached_public

FEED_LENGTH = 50
SITEMAP_PROJECTS = 500  # project pages per sitemap file (each with its English page)


@dataclass
class FeedEntry:
    guid: str
    title: str
    description: str
    link: str
    updated: datetime


def publication_entries(plan) -> list[FeedEntry]:
    """One entry per publication: the figures of a fiscal year published at one moment."""
    publications = (
        Actual.objects.filter(
            indicator__project__plan=plan,
            published_value__isnull=False,
            published_at__isnull=False,
        )
        .values("fiscal_year", "published_at")
        .annotate(count=Count("pk"))
        .order_by("-published_at")[:FEED_LENGTH]
    )
    return [
        FeedEntry(
            guid=f"publication/{row['fiscal_year']}/{row['published_at'].isoformat()}",
            title=f"{format_era(row['fiscal_year'])} の実績を公表しました（{row['count']} 件）",
            description=f"{plan.name}の{format_era(row['fiscal_year'])}の実績 "
            f"{row['count']} 件を公表しました。",
            link=plan.get_absolute_url(),
            updated=row["published_at"],
        )
        for row in publications
    ]


def correction_entries(plan) -> list[FeedEntry]:
    corrections = (
        ActualCorrection.objects.filter(actual__indicator__project__plan=plan)
        .select_related("actual__indicator__project")
        .order_by("-corrected_at")[:FEED_LENGTH]
    )
    entries = []
    for correction in corrections:
        actual = correction.actual
        indicator, project = actual.indicator, actual.indicator.project
        entries.append(
            FeedEntry(
                guid=f"correction/{correction.pk}",
                title=f"{project.display_number} {project.name}: {indicator.name} の"
                f"{format_era(actual.fiscal_year)}の実績を訂正しました",
                description=f"{indicator.format(correction.old_value)} → "
                f"{indicator.format(correction.new_value)}。理由: {correction.reason}",
                link=reverse(
                    "public:project_detail", kwargs={"slug": plan.slug, "number": project.number}
                ),
                updated=correction.corrected_at,
            )
        )
    return entries


class PlanFeed(Feed):
    """Publications and corrections of a plan, newest first (Atom 1.0)."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        plan = get_object_or_404(Plan, slug=slug)
        # Entry ids are absolute IRIs under the feed's own URL (Atom requires an IRI).
        plan.feed_id = absolute_url(request, self.feed_url(plan)) + "#"
        return plan

    def title(self, plan):
        return f"{plan.name} の公表と訂正"

    def subtitle(self, plan):
        return f"{plan.name}の実績の公表と、公表後の訂正のお知らせ"

    def link(self, plan):
        return plan.get_absolute_url()

    def feed_url(self, plan):
        return reverse("public:plan_feed", kwargs={"slug": plan.slug})

    def author_name(self, plan):
        return settings.SITE_OPERATOR["name"] or "Yumeplan"

    def items(self, plan):
        entries = publication_entries(plan) + correction_entries(plan)
        entries.sort(key=lambda entry: entry.updated, reverse=True)
        for entry in entries:
            entry.guid = plan.feed_id + entry.guid
        return entries[:FEED_LENGTH]

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.description

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.guid

    item_guid_is_permalink = False

    def item_updateddate(self, entry):
        return entry.updated

    def item_pubdate(self, entry):
        return entry.updated


plan_feed = cached_public(PlanFeed())


class PublicSitemap(Sitemap):
    """Public pages, in Japanese with their English alternates (a section of the
    sitemap; ``items`` are (URL name, arguments))."""

    i18n = True
    alternates = True
    languages = ["ja", "en"]

    def get_protocol(self, protocol=None):
        """SITE_ORIGIN's scheme where it is set, never the request's (see caching)."""
        if settings.SITE_ORIGIN:
            return urlsplit(settings.SITE_ORIGIN).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_ORIGIN:
            return urlsplit(settings.SITE_ORIGIN).netloc
        return super().get_domain(site)

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


class PlanSitemap(PublicSitemap):
    """The site's own pages, and each plan's pages and policy pages."""

    def items(self):
        items = [("public:plan_index", {}), ("public:open_data", {})]
        for plan in Plan.objects.all():
            items += [
                ("public:plan_detail", {"slug": plan.slug}),
                ("public:methodology", {"slug": plan.slug}),
                ("public:search", {"slug": plan.slug}),
            ]
        for slug, number in BasicPolicy.objects.values_list("plan__slug", "number"):
            items.append(("public:basic_policy_detail", {"slug": slug, "number": number}))
        return items


class _ProjectPages:
    """Every project page paired with each language, as ``Sitemap`` pages its items when
    ``i18n`` is on ((item, language) pairs), but counted and read in SQL a file's slice at
    a time: building every pair of 41,200 projects to cut one file out of it took 0.6 s."""

    def __init__(self, languages: list[str]):
        self.languages = languages
        self.projects = Project.objects.order_by("plan__slug", "number", "pk")

    def __len__(self) -> int:
        return self.projects.count() * len(self.languages)

    def __getitem__(self, pairs: slice) -> list:
        per = len(self.languages)
        first = pairs.start // per
        rows = self.projects.values_list("plan__slug", "number")[first : -(-pairs.stop // per)]
        items = [
            (("public:project_detail", {"slug": slug, "number": number}), language)
            for slug, number in rows
            for language in self.languages
        ]
        return items[pairs.start - first * per : pairs.stop - first * per]


class ProjectSitemap(PublicSitemap):
    """Every project page, SITEMAP_PROJECTS to a file: a plan of 41,200 projects in one
    file was 13 MB and took 9 s to write."""

    limit = SITEMAP_PROJECTS * len(PublicSitemap.languages)  # (page, language) pairs

    @property
    def paginator(self):
        return Paginator(_ProjectPages(self.languages), self.limit)


SITEMAPS = {"plans": PlanSitemap, "projects": ProjectSitemap}


@cached_public
def sitemap_index(request):
    """The sitemap index (robots.txt names it): a file per section and page, at the site's
    origin (Django's own index view names the request's host)."""
    files = []
    for section, sitemap in SITEMAPS.items():
        path = reverse("sitemap_section", kwargs={"section": section})
        pages = sitemap().paginator.num_pages
        files += [
            SitemapIndexItem(absolute_url(request, path if page == 1 else f"{path}?p={page}"))
            for page in range(1, pages + 1)
        ]
    return render(request, "sitemap_index.xml", {"sitemaps": files}, content_type="application/xml")


@cached_public(reads=("p",))
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@require_safe
def robots_txt(request):
    sitemap = absolute_url(request, reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /staff/",
        "Allow: /",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
