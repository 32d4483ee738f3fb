"""The role groups and the 系统管理员's model permissions, kept in step after every migrate
(permissions exist only once their app has migrated, so a data migration cannot grant them)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission

from departments.models import Role

# 系统管理员: users, departments, deputies, sessions, the calendar and the deadline policy
# (DESIGN §1); never groups, permissions or the audit log.
SYSADMIN_MODELS = {
    "departments": ["user", "department", "deputy", "congresssession"],
    "suggestions": ["calendarday", "deadlinepolicy"],
}
SYSADMIN_ACTIONS = ["view", "add", "change"]


def ensure_admin_roles(sender=None, **kwargs) -> None:
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    sysadmin = Group.objects.get(name=Role.SYSADMIN)
    wanted = Permission.objects.filter(
        content_type__app_label__in=SYSADMIN_MODELS,
        codename__in=[
            f"{action}_{model}"
            for models in SYSADMIN_MODELS.values()
            for model in models
            for action in SYSADMIN_ACTIONS
        ],
    )
    sysadmin.permissions.set(wanted)
