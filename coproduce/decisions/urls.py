from django.urls import path

from coproduce.decisions import views

app_name = "decisions"
urlpatterns = [
    path("me/decisions/", views.mine, name="mine"),
    path("patients/<int:patient_id>/decisions/", views.decision_list, name="decision_list"),
    path("patients/<int:patient_id>/decisions/new/", views.decision_create, name="decision_create"),
    path(
        "patients/<int:patient_id>/decisions/<int:decision_id>/",
        views.decision_detail,
        name="decision_detail",
    ),
    path(
        "patients/<int:patient_id>/decisions/<int:decision_id>/edit/",
        views.decision_edit,
        name="decision_edit",
    ),
    path(
        "patients/<int:patient_id>/decisions/<int:decision_id>/review/",
        views.decision_review,
        name="decision_review",
    ),
]
