from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "downloads"
    verbose_name = "后台生成的下载"
    default_auto_field = "django.db.models.BigAutoField"
