from django.apps import AppConfig


class Config(AppConfig):
    name = "nowrongdoor.records.care"
    label = "care"
    default_auto_field = "django.db.models.BigAutoField"
