from django.apps import AppConfig


class Config(AppConfig):
    name = "nowrongdoor.records.idempotency"
    label = "idempotency"
    default_auto_field = "django.db.models.BigAutoField"
