from django.urls import path

from . import catalogue, feeds, methodology, views

app_name = "public"

urlpatterns = [
    path("", views.plan_index, name="plan_index"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("data/", catalogue.open_data, name="open_data"),
    path("data/api/", catalogue.api_documentation, name="api_documentation"),
    path("plans/<slug:slug>/search/", views.search, name="search"),
    path("plans/<slug:slug>/feed.atom", feeds.plan_feed, name="plan_feed"),
    path("plans/<slug:slug>/methodology/", methodology.methodology, name="methodology"),
    path(
        "plans/<slug:slug>/policies/<int:number>/",
        views.basic_policy_detail,
        name="basic_policy_detail",
    ),
    path(
        "plans/<slug:slug>/projects/<str:number>/",
        views.project_detail,
        name="project_detail",
    ),
]
