"""Follow a plan: an Atom feed of its publications and corrections, the sitemap and
robots.txt."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from indicators.models import Actual, ActualCorrection
from policies.fiscal_years import format_era
from policies.models import BasicPolicy, Plan, Project

from .caching import cached_public

FEED_LENGTH = 50


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
        plan.feed_id = request.build_absolute_uri(self.feed_url(plan)) + "#"
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
    """Every public page, in Japanese with its English alternate."""

    i18n = True
    alternates = True
    languages = ["ja", "en"]

    def items(self):
        items = [("public:plan_index", {}), ("public:open_data", {})]
        for plan in Plan.objects.all():
            items += [
                ("public:plan_detail", {"slug": plan.slug}),
                ("public:methodology", {"slug": plan.slug}),
                ("public:search", {"slug": plan.slug}),
            ]
        for policy in BasicPolicy.objects.select_related("plan"):
            items.append(
                ("public:basic_policy_detail", {"slug": policy.plan.slug, "number": policy.number})
            )
        for project in Project.objects.select_related("plan").order_by("plan", "number"):
            items.append(
                ("public:project_detail", {"slug": project.plan.slug, "number": project.number})
            )
        return items

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


@cached_public
def sitemap(request):
    return sitemap_views.sitemap(request, {"public": PublicSitemap})


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /staff/",
        "Allow: /",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
