from django.urls import path

from coproduce.patients.views import carer, clinician, me

app_name = "patients"
urlpatterns = [
    # Patients: their own record
    path("me/", me.my_home, name="my_home"),
    path("me/access-log/", me.my_access_log, name="my_access_log"),
    # Carers
    path("carer/", carer.carer_home, name="carer_home"),
    path("carer/patients/<int:patient_id>/", carer.carer_patient, name="carer_patient"),
    # Clinicians
    path("patients/", clinician.patient_list, name="patient_list"),
    path("patients/new/", clinician.patient_create, name="patient_create"),
    path("patients/<int:patient_id>/", clinician.patient_detail, name="patient_detail"),
    path(
        "patients/<int:patient_id>/enrolments/",
        clinician.enrolment_start,
        name="enrolment_start",
    ),
    path(
        "patients/<int:patient_id>/enrolments/<int:enrolment_id>/end/",
        clinician.enrolment_end,
        name="enrolment_end",
    ),
    path("patients/<int:patient_id>/care-team/", clinician.care_team_add, name="care_team_add"),
    path(
        "patients/<int:patient_id>/care-team/<int:member_id>/remove/",
        clinician.care_team_remove,
        name="care_team_remove",
    ),
]
