from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("api/v1/plans/", views.api_plans, name="api_plans"),
    path("api/v1/plans/<slug:slug>/indicators/", views.api_indicators, name="api_indicators"),
    path("data/<slug:slug>/indicators.<str:fmt>", views.download, name="plan_download"),
    path(
        "data/<slug:slug>/policies/<int:number>/indicators.<str:fmt>",
        views.download,
        name="policy_download",
    ),
]
