"""Audit receivers for what Django itself does: logins, logouts, failed logins, the admin's
actions (every 系统管理员 change passes through LogEntry), group membership changes made
anywhere, and the break-glass superuser."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.signals import user_logged_out
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from security import audit
from security.sessions import start_session_clock

ADMIN_VERBS = {1: "新增", 2: "修改", 3: "删除"}


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session_clock(request, user)
    audit.record(audit.Kind.LOGIN, request=request, user=user, obj=user)
    if user.is_superuser:
        audit.record(
            audit.Kind.BREAK_GLASS,
            request=request,
            user=user,
            obj=user,
            detail="超级管理员账号登录（仅限应急使用）",
        )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(audit.Kind.LOGOUT, request=request, user=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record(
        audit.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
        outcome=audit.Outcome.FAILURE,
    )


@receiver(post_save, sender=LogEntry)
def _admin_action(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    verb = ADMIN_VERBS.get(instance.action_flag, "操作")
    audit.record(
        audit.Kind.ADMIN_ACTION,
        user=instance.user,
        obj=f"{instance.content_type}：{instance.object_repr}"[:300],
        detail=f"{verb}。{instance.get_change_message()}"[:1000],
    )
