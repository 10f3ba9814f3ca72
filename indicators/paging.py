"""A paginator that reads a page and the length of the whole list in one query."""

from django.core.paginator import Paginator
from django.db.models import Count, Window


class CountedPaginator(Paginator):
    """Django's Paginator over a queryset, with ``get_page`` answered by one query: the
    page's rows, each carrying a window count of the whole list. A long list (a policy of
    8,000 projects) is then read once per page, not once to count it and once for the
    page. A page past the end costs a COUNT and a second read, as with Paginator."""

    def __init__(self, object_list, per_page):
        super().__init__(object_list, per_page)  # no orphans: a page is what it reads

    def get_page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number < 1:
            return super().get_page(number)  # Paginator answers with the last page
        start = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(_list_length=Window(Count("pk")))[
                start : start + self.per_page
            ]
        )
        if not rows and number > 1:
            return super().get_page(number)  # past the end: the last page, as Paginator
        # Paginator.count is a cached_property; rows are models, or dicts from values().
        self.__dict__["count"] = _list_length(rows[0]) if rows else 0
        return self._get_page(rows, number, self)


def _list_length(row) -> int:
    return row["_list_length"] if isinstance(row, dict) else row._list_length
