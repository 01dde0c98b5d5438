from django.apps import AppConfig


class Config(AppConfig):
    name = "nowrongdoor.records.coordination"
    label = "coordination"
    default_auto_field = "django.db.models.BigAutoField"
