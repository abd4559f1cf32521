from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "coproduce.questionnaires"
    label = "questionnaires"
