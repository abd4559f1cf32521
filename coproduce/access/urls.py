from django.urls import path

from coproduce.access import views

app_name = "access"
urlpatterns = [
    path("me/carers/", views.my_carers, name="my_carers"),
    path("me/carers/<int:grant_id>/revoke/", views.my_carer_revoke, name="my_carer_revoke"),
    path("me/carers/<int:grant_id>/agree/", views.my_carer_agree, name="my_carer_agree"),
    path("me/choices/", views.my_consents, name="my_consents"),
    path(
        "patients/<int:patient_id>/carers/new/",
        views.patient_carer_add,
        name="patient_carer_add",
    ),
    path(
        "patients/<int:patient_id>/carers/<int:grant_id>/revoke/",
        views.patient_carer_revoke,
        name="patient_carer_revoke",
    ),
]
