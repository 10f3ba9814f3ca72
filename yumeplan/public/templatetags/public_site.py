"""Template helpers of the public site: the language switch, the language of parts and the
indicator chart."""

import re

from django import template
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.templatetags.status_bars import STATUS_MARKS

from .. import charts, methodology

register = template.Library()

# The words plans use for qualitative targets, so that English pages can translate them.
TARGET_WORDS = {
    "現状維持": _("現状維持"),
    "維持": _("維持"),
    "増加": _("増加"),
    "拡充": _("拡充"),
    "減少": _("減少"),
}

# Characters only Japanese text has: CJK punctuation (、。「」々), hiragana, katakana, the
# katakana extensions, CJK ideographs (with extension A, the compatibility block and the
# supplementary planes) and the full-width / half-width forms (（）！ and half-width kana).
JAPANESE = re.compile(
    "[\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff00-\uffef\U00020000-\U0003134f]"
)


@register.simple_tag(takes_context=True)
def language_url(context, code):
    """The current page in another language: the switch keeps the page and its filters."""
    request = context.get("request")
    if request is None:
        return "/en/" if code == "en" else "/"
    return translate_url(request.get_full_path(), code)


def _japanese_on_english_page(value) -> bool:
    return (
        value is not None
        and (get_language() or "").startswith("en")
        and JAPANESE.search(str(value)) is not None
    )


@register.filter
def ja(value):
    """Plan content (a name, a unit, a highlight) left in Japanese on an English page, in
    ``<span lang="ja">`` so that screen readers read it with a Japanese voice (WCAG 2.1
    SC 3.1.2, language of parts). Elsewhere, and on Japanese pages, the value unchanged.

    The value is escaped once (a safe value, such as ``linebreaksbr`` output, is kept).
    Never use it inside ``<title>``, an attribute value or the SVG chart: there the
    markup would be shown as text; use ``ja_lang_attr`` on the element instead.
    """
    if not _japanese_on_english_page(value):
        return value
    return format_html('<span lang="ja">{}</span>', value)


@register.filter
def ja_lang_attr(value):
    """`` lang="ja"`` for an element whose text is ``value``, when that is Japanese on an
    English page (for elements that cannot hold a span, as ``<option>`` and SVG ``<text>``);
    otherwise nothing."""
    return mark_safe(' lang="ja"') if _japanese_on_english_page(value) else ""


@register.filter
def policy_title(policy):
    """A basic policy's title with its keyword in ``<strong>``, as one ``ja`` part."""
    before, keyword, after = policy.title_parts
    return ja(format_html("{}<strong>{}</strong>{}", before, keyword, after))


@register.filter
def status_mark(code):
    """◎ ○ △ beside the status word, so status is never told by colour alone."""
    return STATUS_MARKS.get(code or "", "—")


@register.filter
def threshold_percent(threshold):
    """The plan's 概ね達成 threshold as a percentage: 0.950 → "95"."""
    return methodology.threshold_percent(threshold)


@register.filter
def target_text(indicator):
    """The target as the plan writes it ("13,435 人", "現状維持"), the words translated."""
    text = indicator.target_display
    return str(TARGET_WORDS[text]) if text in TARGET_WORDS else text


@register.filter
def format_with(indicator, value):
    """A value written as the indicator writes its figures ("688,518 人")."""
    return indicator.format(value)


@register.inclusion_tag("public/_chart.html")
def indicator_chart(entry, number):
    """The chart of an indicator's published actuals with its baseline and target
    (``yumeplan.public.charts``). ``entry`` is what ``yumeplan.public.views.indicator_view``
    returns. The y axis starts at 0 so that the lengths compare honestly; the same numbers
    are in the table beside the chart."""
    indicator = entry["indicator"]
    published = [
        (row["fiscal_year"], row["status"].value)
        for row in entry["yearly"]
        if row["status"].value is not None
    ]
    baseline_year = indicator.baseline_fiscal_year or indicator.plan.baseline_fiscal_year
    return {
        "chart_id": f"chart-{number}",
        "indicator": indicator,
        "baseline_year": baseline_year,
        **charts.chart_geometry(indicator, published, baseline_year),
    }
