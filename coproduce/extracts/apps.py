from django.apps import AppConfig


class ExtractsConfig(AppConfig):
    name = "coproduce.extracts"
    label = "extracts"
