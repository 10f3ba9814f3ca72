from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("plans/<slug:slug>/<int:year>/", staff_views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/<int:year>/trajectory/", staff_views.trajectory, name="trajectory"),
    path("plans/<slug:slug>/<int:year>/tracker/", staff_views.tracker, name="tracker"),
    path("plans/<slug:slug>/<int:year>/review/", staff_views.review_queue, name="review_queue"),
    path("plans/<slug:slug>/<int:year>/summary/", staff_views.summary, name="summary"),
    path("plans/<slug:slug>/<int:year>/comparison/", staff_views.comparison, name="comparison"),
    path("plans/<slug:slug>/<int:year>/carry-over/", staff_views.carry_over, name="carry_over"),
]
