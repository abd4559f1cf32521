from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "coproduce.decisions"
    label = "decisions"
    verbose_name = "Shared decisions"
