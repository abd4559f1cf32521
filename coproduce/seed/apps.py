from django.apps import AppConfig


class SeedConfig(AppConfig):
    name = "coproduce.seed"
    label = "seed"
