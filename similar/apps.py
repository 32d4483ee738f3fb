from django.apps import AppConfig


class SimilarConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "similar"
    verbose_name = "相似建议"
