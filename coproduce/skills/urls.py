from django.urls import path

from coproduce.skills import views

app_name = "skills"
urlpatterns = [
    path("countersign/", views.countersign_queue, name="countersign_queue"),
    path(
        "patients/<int:patient_id>/dialysis/<int:session_id>/review/",
        views.session_review,
        name="session_review",
    ),
]
