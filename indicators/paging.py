"""Paginators that read a page of a long list without counting the list separately."""

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property

# A larger page number is past the end of any list (and past the 64-bit OFFSET of SQL,
# which PostgreSQL refuses): such a page is the last one, as with Paginator.
MAX_PAGE_NUMBER = 10**9


class CountedPaginator(Paginator):
    """Django's Paginator over a queryset of models, with ``get_page`` reading the page's
    ids together with the length of the whole list (a window count over narrow rows), then
    the page's objects by id. A long list (a policy of 8,000 projects, a plan of 53,000
    indicators) is sorted once, as ids, rather than counted once and then sorted again
    with every column of its joined rows. A page past the end costs a COUNT and a second
    read, as with Paginator."""

    def get_page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if not 1 <= number <= MAX_PAGE_NUMBER:
            return super().get_page(number)  # Paginator answers with the last page
        start = (number - 1) * self.per_page
        found = list(
            self.object_list.annotate(_list_length=Window(Count("pk"))).values_list(
                "pk", "_list_length"
            )[start : start + self.per_page]
        )
        if not found and number > 1:
            return super().get_page(number)  # past the end: the last page, as Paginator
        self.__dict__["count"] = found[0][1] if found else 0  # count is a cached_property
        ids = [pk for pk, _length in found]
        loaded = {row.pk: row for row in self.object_list.filter(pk__in=ids)} if ids else {}
        return self._get_page([loaded[pk] for pk in ids], number, self)


class StoredCountPaginator(Paginator):
    """Django's Paginator over a list whose length is stored (``PolicyCounts``, the
    working summaries): a page costs one query, the sorted page itself, which an index
    can read from the start of the list without sorting or counting the rest. Pages past
    the end are the last page, as with Paginator (the stored length bounds the OFFSET)."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # count is a cached_property


class WalkedPaginator(Paginator):
    """Django's Paginator over a queryset of models whose length comes from ``count()`` (a
    function reading few rows: stored counts) and whose pages' ids come in order from
    ``walk(start, stop)`` (a query that stops after ``stop`` rows), then the page's objects
    by id: three queries, none of which needs to read the whole list. A page past the end
    is the last one, as with Paginator: ``count`` is read first, so no page number reaches
    SQL unless it is a page of the list."""

    def __init__(self, object_list, per_page, *, count, walk):
        super().__init__(object_list, per_page)
        self._count, self._walk = count, walk

    @cached_property
    def count(self):
        return self._count()

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        ids = self._walk(start, start + self.per_page)
        loaded = {row.pk: row for row in self.object_list.filter(pk__in=ids)} if ids else {}
        return self._get_page([loaded[pk] for pk in ids if pk in loaded], number, self)
