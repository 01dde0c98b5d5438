from django.apps import AppConfig


class Config(AppConfig):
    name = "nowrongdoor.records.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"
