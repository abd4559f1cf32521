from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "coproduce.alerts"
    label = "alerts"
