from django.urls import path

from . import api, catalogue, pdf

app_name = "opendata"

urlpatterns = [
    path("api/v1/plans/", api.api_plans, name="api_plans"),
    path("data/catalog.jsonld", catalogue.catalogue, name="catalogue"),
    path("data/<slug:slug>/summary-<int:year>.pdf", pdf.summary_pdf, name="summary_pdf"),
    path("api/v1/plans/<slug:slug>/indicators/", api.api_indicators, name="api_indicators"),
    path("data/<slug:slug>/indicators.<str:fmt>", api.download, name="plan_download"),
    path(
        "data/<slug:slug>/policies/<int:number>/indicators.<str:fmt>",
        api.download,
        name="policy_download",
    ),
]
