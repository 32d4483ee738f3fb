from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


def protected_fk(
    to, verbose_name: str, *, optional: bool = False, related_name: str = "+", **kwargs
) -> models.ForeignKey:
    """A reference kept for the record: what it points at is deactivated, never deleted
    (PROTECT). Optional references may be empty; `related_name="+"` unless a reverse
    accessor is wanted (who did something, e.g. `created_by`, needs none)."""
    kwargs.setdefault("null", optional)
    kwargs.setdefault("blank", optional)
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name=related_name,
        **kwargs,
    )


class Role(models.TextChoices):
    """The Django groups that carry each role (DESIGN §1)."""

    OFFICE = "office", "区政府办公室"
    HANDLER = "handler", "承办单位"
    SUPERVISOR = "supervisor", "督查室"
    # A deputy's own account (DESIGN §10): linked to one Deputy, reads only its items.
    DEPUTY = "deputy", "人大代表"
    # 三员分立 (DESIGN §1, §13): no account holds two of these three.
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


ADMIN_ROLES = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)


class Department(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", "委办局"
        STREET = "street", "街道（镇）"
        OTHER = "other", "其他单位"

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.BUREAU)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("在用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "承办单位"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who logs in. Handlers belong to exactly one department."""

    department = protected_fk(
        Department,
        "所属承办单位",
        optional=True,
        related_name="users",
        help_text="承办单位经办人必须选择所属单位；区政府办公室和督查室人员留空。",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    # Password policy (DESIGN §13): changed every PASSWORD_MAX_AGE_DAYS; an initial or
    # reset password is one-time and must be changed at the first login.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # db_default too: rows written by older code (or historical models) get False.
    must_change_password = models.BooleanField("须修改密码", default=False, db_default=False)

    class Meta(AbstractUser.Meta):
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Chinese order, no space: 王静 (Django's default is "静 王")."""
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self) -> str:
        """The admin's 欢迎 line: the whole name (a given name alone reads oddly)."""
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    def has_role(self, role: str) -> bool:
        # Group names are cached per instance: a page asks several times.
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names

    @property
    def is_office(self) -> bool:
        return self.is_active and self.has_role(Role.OFFICE)

    @property
    def is_handler(self) -> bool:
        return self.is_active and self.department_id is not None and self.has_role(Role.HANDLER)

    @property
    def is_supervisor(self) -> bool:
        return self.is_active and self.has_role(Role.SUPERVISOR)

    @property
    def is_deputy(self) -> bool:
        """Holds the deputy role and is linked to a Deputy (one query, cached by Django's
        reverse one-to-one accessor)."""
        if not (self.is_active and self.has_role(Role.DEPUTY)):
            return False
        try:
            return self.deputy is not None
        except Deputy.DoesNotExist:
            return False

    is_sysadmin = property(lambda self: self._holds(Role.SYSADMIN))
    is_secadmin = property(lambda self: self._holds(Role.SECADMIN))
    is_auditor = property(lambda self: self._holds(Role.AUDITOR))

    def _holds(self, role: str) -> bool:
        return self.is_active and self.has_role(role)

    @property
    def role_label(self) -> str:
        labels = [label for value, label in Role.choices if self.has_role(value)]
        return "、".join(labels) or (
            "超级管理员（仅限应急）" if self.is_superuser else "未分配角色"
        )


class Deputy(models.Model):
    class Level(models.TextChoices):
        CITY = "city", "市人大代表"
        DISTRICT = "district", "区人大代表"

    name = models.CharField("姓名", max_length=50)
    level = models.CharField("代表层级", max_length=10, choices=Level.choices)
    delegation = models.CharField("代表团（组）", max_length=50, blank=True)
    workplace = models.CharField("工作单位及职务", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    # A deputy who has an account (DESIGN §10) is linked here; the account holds the
    # deputy role.
    user = models.OneToOneField(
        User,
        verbose_name="登录账号",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy",
    )
    is_active = models.BooleanField("在任", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "人大代表"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "level"], name="deputy_unique_name_level"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        """138****5678: enough to recognise, not enough to misuse."""
        digits = self.phone.strip()
        if len(digits) < 7:
            return "*" * len(digits)
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


class CongressSession(models.Model):
    """A people's-congress session (e.g. 区二届人大三次会议); recess items have none."""

    name = models.CharField("会议名称", max_length=100, unique=True)
    year = models.PositiveIntegerField("年度", db_index=True)
    starts_on = models.DateField("开幕日期")
    ends_on = models.DateField("闭幕日期")

    class Meta:
        verbose_name = verbose_name_plural = "人代会会议"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def latest_opened(cls, day: dt.date) -> CongressSession | None:
        """This year's session opened on or before `day`: the one an item the office
        registers now most likely came from (items raised at a session are registered
        during and after it). Query."""
        return cls.objects.filter(year=day.year, starts_on__lte=day).order_by("-starts_on").first()

    @classmethod
    def next_open(cls, day: dt.date) -> CongressSession | None:
        """The session in progress on `day`, or else the next one: the one a deputy
        drafting now writes for. Query."""
        return cls.objects.filter(ends_on__gte=day).order_by("starts_on").first()


class ApiToken(models.Model):
    """An expiring API token. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", db_index=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user}（{self.expires_at:%Y-%m-%d %H:%M}过期）"
