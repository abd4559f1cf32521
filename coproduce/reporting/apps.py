from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "coproduce.reporting"
    label = "reporting"
