from django.apps import AppConfig


class PublicConfig(AppConfig):
    # The package is `publication`: a top-level `public` would shadow the `public`
    # distribution (atpublic) that aiosmtpd imports. The label stays "public".
    name = "publication"
    label = "public"
    verbose_name = "办理结果公开"
