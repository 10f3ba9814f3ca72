"""WCAG 2.1 SC 3.1.2 (language of parts): on English pages, plan content left in Japanese
(no English entered) is marked lang="ja"; Japanese pages are unchanged."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils import translation

from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project
from yumeplan.public.templatetags.public_site import ja, ja_lang_attr

VOID_ELEMENTS = {"meta", "link", "input", "br", "img", "hr", "circle", "line", "polyline"}


class LanguageOfText(HTMLParser):
    """Each text node of a page with the language it is in (the nearest lang attribute)."""

    def __init__(self):
        super().__init__()
        self.open = []  # (tag, lang)
        self.texts = []  # (text, lang, enclosing tag)

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        inherited = self.open[-1][1] if self.open else None
        self.open.append((tag, dict(attrs).get("lang", inherited)))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() and self.open:
            self.texts.append((data.strip(), self.open[-1][1], self.open[-1][0]))


def languages_of(html, text):
    """The languages of the body text nodes that are exactly ``text``."""
    parser = LanguageOfText()
    parser.feed(html)
    found = {lang for node, lang, tag in parser.texts if node == text and tag != "title"}
    assert found, f"{text!r} is not a text node of the page"
    return found


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def page_title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


# The filters on their own.


@pytest.mark.parametrize(
    "text",
    ["利用者数", "カタカナ", "ひらがな", "145 か所", "Ｒ６", "ｶﾀｶﾅ", "「」", "𠮷野家"],
)
def test_ja_marks_japanese_on_english_pages(text):
    with translation.override("en"):
        assert ja(text) == f'<span lang="ja">{text}</span>'
        assert ja_lang_attr(text) == ' lang="ja"'


@pytest.mark.parametrize(
    "text", ["Picture books", "688,518", "99.80%", "R6", "No. 20", "", None, 3]
)
def test_ja_leaves_text_without_japanese_alone(text):
    with translation.override("en"):
        assert ja(text) is text
        assert ja_lang_attr(text) == ""


def test_ja_does_nothing_on_japanese_pages():
    with translation.override("ja"):
        assert ja("利用者数") == "利用者数"
        assert ja_lang_attr("利用者数") == ""


def test_ja_escapes_once():
    template = Template(
        "{% load public_site %}{{ name|ja }}|{{ note|linebreaksbr|ja }}|<option{{ name|ja_lang_attr }}>"
    )
    context = Context({"name": "A&B <事業>", "note": "一行目\n<二行目>"})
    with translation.override("en"):
        assert template.render(context) == (
            '<span lang="ja">A&amp;B &lt;事業&gt;</span>|'
            '<span lang="ja">一行目<br>&lt;二行目&gt;</span>|<option lang="ja">'
        )
    with translation.override("ja"):
        assert template.render(context) == "A&amp;B &lt;事業&gt;|一行目<br>&lt;二行目&gt;|<option>"


# The pages.


@pytest.fixture
def plan(build_plan):
    plan = build_plan(projects_per_policy=2, policies=2)
    build_plan(projects_per_policy=1, policies=1, slug="second-plan")
    department = Department.objects.create(name="こども未来課")
    Project.objects.filter(plan=plan).update(department=department)
    return plan


def test_english_pages_mark_plan_content_left_in_japanese(client, plan):
    html = get(client, "/en/")
    assert languages_of(html, "テスト計画") == {"ja"}

    html = get(client, f"/en/plans/{plan.slug}/")
    assert languages_of(html, "テスト計画") == {"ja"}  # h1
    assert languages_of(html, "みんなで") == {"ja"}  # philosophy
    assert languages_of(html, "視点その一") == {"ja"}  # viewpoints
    assert languages_of(html, "つなぐ") == {"ja"}  # the keyword in <strong>
    assert '<span lang="ja">方針1を<strong>つなぐ</strong>まちへ</span>' in html

    html = get(client, f"/en/plans/{plan.slug}/policies/1/")
    assert languages_of(html, "施策1") == {"ja"}  # measure
    assert languages_of(html, "事業1-0") == {"ja"}  # table and highlight heading
    assert languages_of(html, "利用者数") == {"ja"}
    assert languages_of(html, "80 人") == {"ja"}  # baseline with its unit
    assert languages_of(html, "100 人") == {"ja"}  # target and actual
    assert languages_of(html, "取組0") == {"ja"}  # highlight text
    assert languages_of(html, "方針2をつなぐまちへ") == {"ja"}  # the other policies

    html = get(client, f"/en/plans/{plan.slug}/projects/100/")
    assert languages_of(html, "事業1-0") == {"ja"}
    assert languages_of(html, "方針1をつなぐまちへ") == {"ja"}
    assert languages_of(html, "こども未来課") == {"ja"}
    assert languages_of(html, "利用者数") == {"ja"}  # heading and table caption
    assert '<caption id="yearly-caption-1"><span lang="ja">利用者数</span>' in html
    assert languages_of(html, "80 人") == {"ja"}
    # The chart's unit and latest figure carry lang on the SVG <text>, no span inside.
    assert re.search(r'<text [^>]*lang="ja">100 人</text>', html)
    assert re.search(r'<text [^>]*lang="ja">\(人\)</text>', html)
    assert "<span" not in re.search(r"<svg.*?</svg>", html, re.S).group(0)

    html = get(client, f"/en/plans/{plan.slug}/search/")
    assert languages_of(html, "事業1-0") == {"ja"}
    assert languages_of(html, "こども未来課") == {"ja"}  # result row and option


def test_english_pages_leave_english_names_unmarked(client, plan):
    Plan.objects.filter(pk=plan.pk).update(name_en="Test plan", philosophy_en="Together")
    BasicPolicy.objects.filter(plan=plan, number=1).update(title_en="A town that connects")
    Measure.objects.filter(basic_policy__plan=plan, title="施策1").update(title_en="Measure one")
    Project.objects.filter(plan=plan, number="100").update(name_en="Picture books")
    Highlight.objects.filter(project__plan=plan, project__number="100").update(text_en="Done")
    from indicators.models import Indicator

    Indicator.objects.filter(project__number="100", project__plan=plan).update(name_en="Users")

    html = get(client, f"/en/plans/{plan.slug}/")
    assert "<h1>Test plan</h1>" in html
    assert '<p class="philosophy">Together</p>' in html
    html = get(client, f"/en/plans/{plan.slug}/policies/1/")
    assert languages_of(html, "Picture books") == {"en"}  # table and highlight heading
    assert languages_of(html, "Done") == {"en"}
    assert languages_of(html, "Users") == {"en"}
    assert languages_of(html, "Measure one") == {"en"}
    assert languages_of(html, "A town that connects") == {"en"}  # h1 and the other policies
    assert languages_of(html, "事業1-1") == {"ja"}  # no English name: still marked
    html = get(client, f"/en/plans/{plan.slug}/search/")
    assert '<option value="1">1 A town that connects</option>' in html
    assert '<option value="2" lang="ja">2 方針2をつなぐまちへ</option>' in html


def test_japanese_pages_get_no_lang_marks(client, plan):
    for path in ["/", "", "policies/1/", "projects/100/", "search/"]:
        url = path if path == "/" else f"/plans/{plan.slug}/{path}"
        html = get(client, url)
        assert html.count('lang="ja"') == 1, url  # <html lang="ja"> only
        assert "<span lang" not in html


def test_titles_hold_no_markup(client, plan):
    for path in ["", "policies/1/", "projects/100/", "search/"]:
        title = page_title(get(client, f"/en/plans/{plan.slug}/{path}"))
        assert "テスト計画" in title
        assert "<" not in title and "&lt;" not in title, title
    html = get(client, f"/en/plans/{plan.slug}/projects/100/")
    svg_title = re.search(r"<svg.*?<title[^>]*>(.*?)</title>", html, re.S).group(1)
    assert "利用者数" in svg_title and "<" not in svg_title and "&lt;" not in svg_title


def test_search_options_of_japanese_titles_carry_lang(client, plan):
    html = get(client, f"/en/plans/{plan.slug}/search/?policy=1")
    assert '<option value="1" selected lang="ja">1 方針1をつなぐまちへ</option>' in html
    assert '<option value="2" lang="ja">2 方針2をつなぐまちへ</option>' in html
    measure = Measure.objects.get(basic_policy__plan=plan, title="施策1")
    assert f'<option value="{measure.pk}" lang="ja">1: 施策1</option>' in html
    department = Department.objects.get()
    assert f'<option value="{department.pk}" lang="ja">こども未来課</option>' in html
    assert '<option value="achieved">Achieved</option>' in html  # the interface is English


def test_corrections_mark_values_with_units(client, plan):
    from indicators.models import Actual, ActualCorrection

    actual = Actual.objects.get(indicator__project__number="100", indicator__project__plan=plan)
    ActualCorrection.objects.create(
        actual=actual, old_value=Decimal("10"), new_value=Decimal("100"), reason="桁の誤り"
    )
    html = get(client, f"/en/plans/{plan.slug}/projects/100/")
    assert '<td class="number" data-label="Old value"><span lang="ja">10 人</span></td>' in html
    assert (
        '<caption id="corrections-caption-1">Corrections of <span lang="ja">利用者数</span>' in html
    )
