from django.apps import AppConfig


class Config(AppConfig):
    name = "nowrongdoor.records.clinical"
    label = "clinical"
    default_auto_field = "django.db.models.BigAutoField"
