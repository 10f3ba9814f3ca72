"""Admin URLs with a malformed object id answer 404, never a 500, for every model."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

MALFORMED = ["abc", "1/change/widgets.css", "1.5", "-"]
TOO_LARGE = "9" * 30


def object_urls(model_admin, object_id):
    info = model_admin.model._meta.app_label, model_admin.model._meta.model_name
    for view in ("change", "history", "delete"):
        yield reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[object_id])
    try:
        yield reverse(f"admin:{info[0]}_{info[1]}_simple_history", args=[object_id, "abc"])
    except NoReverseMatch:
        pass


def test_every_model_admin_answers_a_malformed_id_with_404(client, make_user, build_plan):
    build_plan(projects_per_policy=1, policies=1)
    client.force_login(make_user("admin"))
    answers = {}
    for model_admin in admin.site._registry.values():
        for object_id in MALFORMED:
            for url in object_urls(model_admin, object_id):
                answers[url] = client.get(url).status_code
    assert len(answers) > 30
    assert {url: status for url, status in answers.items() if status != 404} == {}


def test_an_id_out_of_the_database_range_is_no_server_error(client, make_user):
    client.force_login(make_user("admin"))
    answers = {}
    for model_admin in admin.site._registry.values():
        for url in object_urls(model_admin, TOO_LARGE):
            answers[url] = client.get(url).status_code
    # Django's "no such object" (a redirect, 404 where scoped; 403 for read-only deletes)
    assert {url: status for url, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/policies/project/abc/change/",
        "/admin/indicators/actual/abc/change/",
        "/admin/policies/project/abc/history/",
        "/admin/indicators/indicator/abc/history/",
        "/admin/policies/project/abc/delete/",
        "/admin/indicators/officialstatus/abc/delete/",
    ],
)
def test_the_reported_urls_answer_404_to_an_officer_too(client, make_user, url):
    client.force_login(make_user("officer"))
    assert client.get(url).status_code == 404


def test_a_well_formed_id_still_reaches_the_change_page(client, make_user, build_plan):
    from policies.models import Project

    build_plan(projects_per_policy=1, policies=1)
    client.force_login(make_user("admin"))
    pk = Project.objects.get().pk
    assert client.get(f"/admin/policies/project/{pk}/change/").status_code == 200
    assert client.get(f"/admin/policies/project/{pk + 1000}/change/").status_code == 404


def test_a_malformed_id_still_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/admin/policies/project/abc/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
