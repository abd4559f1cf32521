from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "coproduce.network"
    label = "network"
