from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "提醒与日历"
    default_auto_field = "django.db.models.BigAutoField"
