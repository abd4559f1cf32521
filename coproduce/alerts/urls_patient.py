"""Routes of the alerts app: patient pages (views_patient.py)."""

from django.urls import path

from coproduce.alerts import views_patient

urlpatterns: list = [
    path("alerts/mine/", views_patient.mine, name="mine"),
    path("alerts/patients/<int:patient_id>/", views_patient.for_patient, name="for_patient"),
]
