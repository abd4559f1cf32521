from django.urls import path

from coproduce.observations.views import measurements, pages

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
    # Home measurements and the self-dialysis log (patients, carers, clinicians).
    path(
        "patients/<int:patient_id>/measurements/",
        measurements.measurement_list,
        name="measurement_list",
    ),
    path(
        "patients/<int:patient_id>/measurements/new/",
        measurements.measurement_add,
        name="measurement_add",
    ),
    path(
        "patients/<int:patient_id>/dialysis/",
        measurements.dialysis_session_list,
        name="dialysis_session_list",
    ),
    path(
        "patients/<int:patient_id>/dialysis/new/",
        measurements.dialysis_session_add,
        name="dialysis_session_add",
    ),
    path("me/measurements/", measurements.my_measurements, name="my_measurements"),
]
