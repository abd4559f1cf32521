from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "coproduce.measures"
    label = "measures"
