from django.urls import path

from coproduce.observations.views import pages

app_name = "observations"
urlpatterns = [
    path(
        "patients/<int:patient_id>/observations/new/",
        pages.observation_add,
        name="observation_add",
    ),
    path(
        "patients/<int:patient_id>/observations/<int:observation_id>/",
        pages.observation_history,
        name="observation_history",
    ),
    path(
        "patients/<int:patient_id>/observations/<int:observation_id>/correct/",
        pages.observation_correct,
        name="observation_correct",
    ),
    path("observations/code-help/", pages.code_help, name="code_help"),
]
