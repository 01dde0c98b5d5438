from django.apps import AppConfig


class Config(AppConfig):
    name = "nowrongdoor.records.referrals"
    label = "referrals"
    default_auto_field = "django.db.models.BigAutoField"
