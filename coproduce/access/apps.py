from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "coproduce.access"
    label = "access"
