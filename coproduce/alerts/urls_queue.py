"""Routes of the alerts app: queue pages (views_queue.py)."""

from django.urls import path

from coproduce.alerts import views_queue

ALERT = "alerts/<int:alert_id>/"
urlpatterns: list = [
    path("alerts/", views_queue.queue, name="queue"),
    path(ALERT, views_queue.alert_detail, name="alert_detail"),
    path(ALERT + "claim/", views_queue.alert_claim, name="alert_claim"),
    path(ALERT + "release/", views_queue.alert_release, name="alert_release"),
    path(ALERT + "acknowledge/", views_queue.alert_acknowledge, name="alert_acknowledge"),
    path(ALERT + "close/", views_queue.alert_close, name="alert_close"),
]
