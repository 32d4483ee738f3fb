from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "安全管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from security import roles_setup
        from security import signals  # noqa: F401  (connects the audit receivers)

        post_migrate.connect(roles_setup.ensure_admin_roles, sender=self)
