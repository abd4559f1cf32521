from django.urls import path

from coproduce.reporting import views

app_name = "reporting"
urlpatterns = [
    path("me/reports/", views.my_reports, name="mine"),
    path("reports/<int:patient_id>/", views.patient_reports, name="reports"),
    path("reports/<int:patient_id>/<int:due_report_id>/later/", views.snooze, name="snooze"),
    path("reports/<int:patient_id>/reminders/", views.preferences, name="preferences"),
    path("messages/", views.notifications, name="notifications"),
    path(
        "messages/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path("messages/read-all/", views.notifications_read_all, name="notifications_read_all"),
]
