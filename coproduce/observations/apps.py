from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    name = "coproduce.observations"
    label = "observations"
