"""Routes of the alerts app: alert load and the what-if view (views_load.py)."""

from django.urls import path

from coproduce.alerts import views_load

urlpatterns: list = [
    path("alerts/load/", views_load.load, name="load"),
    path(
        "alerts/load/what-if/<str:programme_code>/<str:rule_id>/",
        views_load.what_if_view,
        name="what_if",
    ),
]
