from django.urls import path

from coproduce.tasks import views

app_name = "tasks"
urlpatterns = [
    path("me/tasks/", views.mine, name="mine"),
    path("patients/<int:patient_id>/tasks/", views.task_list, name="task_list"),
    path("patients/<int:patient_id>/tasks/new/", views.task_create, name="task_create"),
    path(
        "patients/<int:patient_id>/tasks/<int:task_id>/",
        views.task_history,
        name="task_history",
    ),
    path(
        "patients/<int:patient_id>/tasks/<int:task_id>/edit/",
        views.task_edit,
        name="task_edit",
    ),
    path(
        "patients/<int:patient_id>/tasks/<int:task_id>/close/",
        views.task_close,
        name="task_close",
    ),
    path(
        "patients/<int:patient_id>/tasks/<int:task_id>/tick/",
        views.task_tick,
        name="task_tick",
    ),
    path(
        "patients/<int:patient_id>/tasks/<int:task_id>/undo/",
        views.task_untick,
        name="task_untick",
    ),
]
