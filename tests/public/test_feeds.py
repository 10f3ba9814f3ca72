"""Following a plan: the Atom feed, the sitemap, robots.txt, canonical URLs and descriptions."""

import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from indicators.models import Actual, ActualCorrection

ATOM = "{http://www.w3.org/2005/Atom}"


def assert_valid_atom(xml_bytes):
    """The elements RFC 4287 requires of a feed and of each entry."""
    feed = ET.fromstring(xml_bytes)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None and feed.find(f"{ATOM}{name}").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
        assert entry.find(f"{ATOM}id").text.startswith("http://testserver/")
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    return feed, entries


def test_feed_lists_publications_and_corrections_newest_first(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    published_at = datetime(2025, 6, 30, 10, tzinfo=ZoneInfo("Asia/Tokyo"))
    Actual.objects.update(published_at=published_at)
    actual = Actual.objects.get(indicator__project__number="101")
    correction = ActualCorrection.objects.create(
        actual=actual, old_value=Decimal("95"), new_value=Decimal("96"), reason="集計誤り"
    )
    response = client.get(f"/plans/{plan.slug}/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    _feed, entries = assert_valid_atom(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == [
        "No. 101 事業1-1: 利用者数 のR6の実績を訂正しました",
        "R6 の実績を公表しました（3 件）",
    ]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://testserver/plans/test-plan/projects/101/"
    assert "95 人 → 96 人。理由: 集計誤り" in entries[0].find(f"{ATOM}summary").text
    assert entries[0].find(f"{ATOM}id").text.endswith(f"#correction/{correction.pk}")


def test_feed_leaves_out_unpublished_figures_and_is_valid_when_empty(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=1, published=False)
    Actual.objects.update(published_at=datetime(2025, 6, 30, tzinfo=ZoneInfo("Asia/Tokyo")))
    _feed, entries = assert_valid_atom(client.get(f"/plans/{plan.slug}/feed.atom").content)
    assert entries == []
    assert client.get("/plans/nope/feed.atom").status_code == 404


def test_plan_page_announces_its_feed_canonical_url_and_description(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(plan.get_absolute_url() + "?utm=x").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" href="/plans/test-plan/feed.atom"'
        in html
    )
    assert '<link rel="canonical" href="http://testserver/plans/test-plan/">' in html
    assert (
        '<meta name="description" content="テスト計画の基本方針ごとの主な指標と、R6の達成状況。">'
        in html
    )
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/plans/test-plan/' in html


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_locations(client) -> list[str]:
    """Every page's location in the sitemap, following its index to each file."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = []
    for entry in index.findall(f"{SITEMAP_NS}sitemap"):
        response = client.get(entry.find(f"{SITEMAP_NS}loc").text)
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        locations += [url.find(f"{SITEMAP_NS}loc").text for url in root.findall(f"{SITEMAP_NS}url")]
    return locations


def test_sitemap_lists_every_public_page_in_both_languages(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=2)
    locations = set(sitemap_locations(client))
    base = "http://testserver"
    for path in [
        "/",
        "/data/",
        f"/plans/{plan.slug}/",
        f"/plans/{plan.slug}/methodology/",
        f"/plans/{plan.slug}/policies/2/",
        f"/plans/{plan.slug}/projects/201/",
    ]:
        assert base + path in locations
        assert base + "/en" + path in locations


def test_project_pages_come_a_bounded_number_to_a_sitemap_file(client, build_plan, monkeypatch):
    from yumeplan.public.feeds import ProjectSitemap

    build_plan(projects_per_policy=5, policies=1)
    build_plan(projects_per_policy=2, policies=1, slug="other")
    monkeypatch.setattr(ProjectSitemap, "limit", 3 * 2)  # 3 projects, in 2 languages
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-projects.xml?p=3<" in index and "?p=4" not in index
    locations = sitemap_locations(client)
    projects = [url for url in locations if "/projects/" in url]
    assert len(projects) == len(set(projects)) == 7 * 2  # each once, in both languages
    assert projects[:2] == [
        "http://testserver/plans/other/projects/100/",
        "http://testserver/en/plans/other/projects/100/",
    ]
    assert client.get("/sitemap-projects.xml?p=4").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_back_office(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /staff/" in text
