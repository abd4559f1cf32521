"""Routes of the alerts app: settings pages (views_settings.py)."""

from django.urls import path

from coproduce.alerts import views_settings

urlpatterns: list = [
    path("alerts/units/", views_settings.unit_settings_list, name="unit_settings_list"),
    path(
        "alerts/units/<int:unit_id>/settings/",
        views_settings.unit_settings_edit,
        name="unit_settings",
    ),
]
