"""Template filters that show fiscal years the way the city's documents write them."""

from django import template
from django.utils.html import format_html

from policies.fiscal_years import format_era, format_era_long

register = template.Library()


@register.filter
def era(year):
    """2024 → "R6", 2019 → "R元年"."""
    if year in (None, ""):
        return ""
    return format_era(int(year))


@register.filter
def era_long(year):
    """2024 → "令和6年度"."""
    if year in (None, ""):
        return ""
    return format_era_long(int(year))


@register.simple_tag
def fiscal_year(year):
    """The era form with the Western year for readers who do not know era names."""
    if year in (None, ""):
        return ""
    year = int(year)
    return format_html(
        '<abbr title="{}（{}年度）">{}</abbr>', format_era_long(year), year, format_era(year)
    )
