from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "办理结果公开"
