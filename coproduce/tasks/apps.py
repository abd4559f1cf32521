from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "coproduce.tasks"
    label = "tasks"
