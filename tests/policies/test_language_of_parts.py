"""WCAG 2.1 SC 3.1.2 (language of parts): on English pages, plan content left in Japanese
(no English entered) is marked lang="ja"; Japanese pages are unchanged."""

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils import translation

from policies.templatetags.public_site import ja, ja_lang_attr

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
