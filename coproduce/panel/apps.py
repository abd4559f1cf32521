from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "coproduce.panel"
    label = "panel"
