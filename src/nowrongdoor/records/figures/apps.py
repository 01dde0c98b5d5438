from django.apps import AppConfig


class Config(AppConfig):
    name = "nowrongdoor.records.figures"
    label = "figures"
    default_auto_field = "django.db.models.BigAutoField"
