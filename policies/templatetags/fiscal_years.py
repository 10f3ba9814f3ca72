"""Template filters that show fiscal years the way the city's documents write them."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from policies.fiscal_years import format_era, format_era_long

register = template.Library()

# Romanised era names for English pages, keyed by the short era letter.
_ERA_NAMES_EN = {"R": "Reiwa", "H": "Heisei", "S": "Showa"}


def _english() -> bool:
    return (get_language() or "ja").startswith("en")


def _era_en(year: int) -> str:
    """2024 → "R6", 2019 → "R1": English readers are not expected to know 元年."""
    short = format_era(year)
    return short.replace("元年", "1")


def _era_long_en(year: int) -> str:
    """2024 → "Reiwa 6"."""
    short = _era_en(year)
    return f"{_ERA_NAMES_EN[short[0]]} {short[1:]}"


@register.filter
def era(year):
    """2024 → "R6", 2019 → "R元年" ("R1" on English pages)."""
    if year in (None, ""):
        return ""
    return _era_en(int(year)) if _english() else format_era(int(year))


@register.filter
def era_long(year):
    """2024 → "令和6年度" ("Reiwa 6" on English pages)."""
    if year in (None, ""):
        return ""
    return _era_long_en(int(year)) if _english() else format_era_long(int(year))


@register.simple_tag
def fiscal_year(year):
    """The era form with the Western year for readers who do not know era names."""
    if year in (None, ""):
        return ""
    year = int(year)
    if _english():
        return format_html(
            '<abbr title="{} (FY{})">{}</abbr>', _era_long_en(year), year, _era_en(year)
        )
    return format_html(
        '<abbr title="{}（{}年度）">{}</abbr>', format_era_long(year), year, format_era(year)
    )
