"""The actuals' admin list at any size: its fiscal-year filter and its counts.

Django's own ways read every actual: the fiscal-year filter (``AllValuesFieldListFilter``)
finds its choices with a DISTINCT over the whole table, and the list counts all its rows
twice when nothing filters it (once for the pages, once for the total beside the search
box). Over the 270,000 actuals of a plan of 41,200 projects, those were 26 ms and 16 ms.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import InvalidPage
from django.db.models import Exists, Max, Min

from policies.models import Plan


class FiscalYearFilter(admin.AllValuesFieldListFilter):
    """The years in which the user may see an actual, as Django's filter offers them, each
    found by one probe of the fiscal-year index: the years of the plans' periods (and the
    year before each, their baseline) are the only ones an actual can have."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = years_with_rows(model_admin.get_queryset(request), field.name)


def years_with_rows(queryset, field_name: str) -> list[int]:
    """The years of the plans' periods for which ``queryset`` has a row, ascending: one
    query for the periods, one of an EXISTS per year."""
    span = Plan.objects.aggregate(first=Min("start_fiscal_year"), last=Max("end_fiscal_year"))
    if span["first"] is None:
        return []
    years = range(span["first"] - 1, span["last"] + 1)
    probes = {f"y{year}": Exists(queryset.filter(**{field_name: year})) for year in years}
    found = Plan.objects.order_by().annotate(**probes).values_list(*probes)[:1]
    found = next(iter(found), [False] * len(years))
    return [year for year, present in zip(years, found, strict=True) if present]


class CountedOnceChangeList(ChangeList):
    """Django's list, counting a list nothing filters only once: its total is the same
    number as its length."""

    def get_results(self, request):
        filtered = self.queryset.query.where != self.root_queryset.query.where
        if filtered or not self.model_admin.show_full_result_count:
            return super().get_results(request)
        paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
        result_count = paginator.count
        can_show_all = result_count <= self.list_max_show_all
        multi_page = result_count > self.list_per_page
        if (self.show_all and can_show_all) or not multi_page:
            result_list = self.queryset._clone()
        else:
            try:
                result_list = paginator.page(self.page_num).object_list
            except InvalidPage as error:
                raise IncorrectLookupParameters from error
        self.result_count = self.full_result_count = result_count
        self.show_full_result_count = True
        self.show_admin_actions = bool(result_count)
        self.result_list = result_list
        self.can_show_all = can_show_all
        self.multi_page = multi_page
        self.paginator = paginator
        return None
