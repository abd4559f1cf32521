from django.apps import AppConfig


class CareplansConfig(AppConfig):
    name = "coproduce.careplans"
    label = "careplans"
