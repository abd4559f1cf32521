from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "coproduce.programmes"
    label = "programmes"
