from django.urls import path

from coproduce.visits import views

app_name = "visits"
urlpatterns = [
    path("patients/<int:patient_id>/visits/", views.visit_list, name="visit_list"),
    path("patients/<int:patient_id>/visits/new/", views.visit_book, name="visit_book"),
    path(
        "patients/<int:patient_id>/visits/<int:visit_id>/status/",
        views.visit_status,
        name="visit_status",
    ),
    path(
        "patients/<int:patient_id>/visits/<int:visit_id>/agenda/",
        views.agenda_edit,
        name="agenda",
    ),
    path(
        "patients/<int:patient_id>/visits/<int:visit_id>/summary/",
        views.pre_visit_summary,
        name="pre_visit_summary",
    ),
    path(
        "patients/<int:patient_id>/visits/<int:visit_id>/together/",
        views.shared_screen,
        name="shared_screen",
    ),
]
