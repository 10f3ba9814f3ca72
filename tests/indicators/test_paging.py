import pytest
from django.core.paginator import Paginator

from indicators.paging import CountedPaginator
from policies.models import Project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "asked", [None, "", "x", "-3", "0", "1", "2", "3", "4", "99", "1000000001", "1" + "0" * 30]
)
def test_pages_are_django_paginators_pages(build_plan, asked, assert_same_page):
    build_plan(projects_per_policy=7, policies=1)
    projects = Project.objects.order_by("number")
    expected = Paginator(projects, 3).get_page(asked)
    page = CountedPaginator(projects, 3).get_page(asked)
    assert_same_page(page, expected)


def test_a_page_and_its_list_length_take_two_queries(build_plan, django_assert_num_queries):
    """The page's ids with the list's length (a window count), then the page's objects."""
    build_plan(projects_per_policy=7, policies=1)
    with django_assert_num_queries(2):
        page = CountedPaginator(Project.objects.order_by("number"), 3).get_page("2")
        assert page.paginator.num_pages == 3 and len(page.object_list) == 3


def test_an_empty_list_has_one_empty_page(db):
    page = CountedPaginator(Project.objects.order_by("number"), 3).get_page("1")
    assert list(page.object_list) == [] and page.paginator.num_pages == 1
