from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "coproduce.patients"
    label = "patients"
