from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "coproduce.skills"
    label = "skills"
