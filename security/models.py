"""The security records (DESIGN §13): the append-only audit log, failed logins and locks
counted in the database (so they hold across processes), and password history."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


class AuditQuerySet(models.QuerySet):
    """No bulk update or delete: the log only grows (pruning goes through `prune`)."""

    def update(self, **kwargs):
        raise PermissionDenied("安全审计日志不能修改。")

    def delete(self):
        raise PermissionDenied("安全审计日志不能删除。")

    def _prune(self):
        """Only security.audit.prune calls this, inside its own checks."""
        return super().delete()


class AuditEvent(models.Model):
    """One security-relevant event. Written once; never changed or deleted in the app, and on
    PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002)."""

    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKOUT = "lockout", "账号锁定"
        ADDRESS_BLOCK = "address_block", "地址封禁"
        UNLOCK = "unlock", "解除锁定"
        LOGOUT = "logout", "退出"
        SESSION_EXPIRED = "session_expired", "会话超时"
        PASSWORD_CHANGE = "password_change", "修改密码"
        PASSWORD_RESET = "password_reset", "重置密码"
        MFA_ENROL = "mfa_enrol", "启用双因素认证"
        MFA_FAILED = "mfa_failed", "动态口令错误"
        MFA_RESET = "mfa_reset", "重置双因素认证"
        ROLE_CHANGE = "role_change", "角色变更"
        PERMISSION_REFUSED = "permission_refused", "越权访问被拒绝"
        TOKEN_ISSUE = "token_issue", "签发接口令牌"
        TOKEN_REVOKE = "token_revoke", "吊销接口令牌"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        REPORT_ISSUE = "report_issue", "印发报告"
        PUBLICATION = "publication", "公开发布"
        ADMIN_ACTION = "admin_action", "管理操作"
        BREAK_GLASS = "break_glass", "超级管理员使用"
        PHONE_REVEAL = "phone_reveal", "查看完整电话"
        AUDIT_EXPORT = "audit_export", "导出审计日志"
        AUDIT_PRUNE = "audit_prune", "清理审计日志"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        REFUSED = "refused", "拒绝"

    occurred_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    kind = models.CharField("事件", max_length=30, choices=Kind.choices)
    outcome = models.CharField(
        "结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    # The user row may be renamed or deactivated later; the name as it was is kept too.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    address = models.GenericIPAddressField("地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    detail = models.CharField("说明", max_length=1000, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "安全审计日志"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "occurred_at"], name="audit_kind_time"),
            models.Index(fields=["username", "occurred_at"], name="audit_user_time"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("安全审计日志不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("安全审计日志不能删除。")


class LoginFailure(models.Model):
    """A failed login (browser or token endpoint): counted per account and per address."""

    username = models.CharField("用户名", max_length=150)
    address = models.GenericIPAddressField("地址", null=True, blank=True)
    occurred_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"
        indexes = [
            models.Index(fields=["username", "occurred_at"], name="loginfail_user_time"),
            models.Index(fields=["address", "occurred_at"], name="loginfail_addr_time"),
        ]

    def __str__(self):
        return f"{self.username}@{self.address}（{self.occurred_at:%Y-%m-%d %H:%M}）"


class AccessLock(models.Model):
    """A locked account or a blocked address, until `until` or until the 安全管理员
    unlocks it."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "账号"
        ADDRESS = "address", "地址"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    key = models.CharField("账号或地址", max_length=150)
    locked_at = models.DateTimeField("锁定时间", auto_now_add=True)
    until = models.DateTimeField("锁定至")

    class Meta:
        verbose_name = verbose_name_plural = "登录锁定"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="lock_kind_key")]

    def __str__(self):
        return f"{self.get_kind_display()}{self.key}锁定至{self.until:%Y-%m-%d %H:%M}"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords: a new one may not repeat the last five."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id}：{self.created_at:%Y-%m-%d}"


class RateCount(models.Model):
    """Requests counted for one rate limit and client (`key`) in the window that ends at
    `window_ends` (seconds since the epoch), shared by every server process
    (security.ratelimit)."""

    key = models.CharField("计数键", max_length=200, primary_key=True)
    hits = models.PositiveIntegerField("次数")
    window_ends = models.FloatField("窗口结束")

    class Meta:
        verbose_name = verbose_name_plural = "访问频率计数"

    def __str__(self):
        return f"{self.key}：{self.hits}"
