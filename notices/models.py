"""Reaching people (DESIGN §9): in-app notifications and their e-mail / SMS deliveries,
the channels each user chose, departments' contact people, and each user's private
calendar feed of the due dates it owes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret in a user's calendar URL: whoever has the URL reads the user's due dates,
    so it is long, random, and replaced (the old URL stops working) at the user's wish."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField("订阅密钥", max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历订阅"

    def __str__(self):
        return f"{self.user}的日历订阅"


class Kind(models.TextChoices):
    """The notices of DESIGN §9, as the recipient reads them."""

    ASSIGNED = "assigned", "新交办"
    REASSIGNED = "reassigned", "重新交办"
    CO_OPINION_DUE = "co_opinion_due", "会办意见待提交"
    DUE_SOON = "due_soon", "临期"
    OVERDUE = "overdue", "已超期"
    RETURN_DECIDED = "return_decided", "退办申请已处理"
    EXTENSION_DECIDED = "extension_decided", "延期申请已处理"
    REPLIED = "replied", "已答复，待评价"
    REWORK = "rework", "不满意，重新办理"
    SUPERVISION = "supervision", "督办"
    KEY_SUPERVISION = "key_supervision", "重点督办"
    PROMISED_DUE = "promised_due", "计划完成时间到期"
    DRAFT_INVITED = "draft_invited", "联名邀请"
    DRAFT_ANSWERED = "draft_answered", "联名答复"
    DRAFT_SUBMITTED = "draft_submitted", "代表建议待受理"
    DRAFT_DECIDED = "draft_decided", "网上建议受理结果"
    REPLY_REVIEW = "reply_review", "答复待审核"
    REPLY_RETURNED = "reply_returned", "答复退回修改"
    COUNTERSIGN_DUE = "countersign_due", "待会签"
    COUNTERSIGNED = "countersigned", "会签意见"
    RECHECK_TASK = "recheck_task", "复查任务"
    DOWNLOAD = "download", "后台下载"


class Notification(models.Model):
    """One notice to one user about one item. In-app always; e-mail and SMS copies are its
    deliveries.

    The unique key is (item, recipient, notice, due date, occasion): the daily job inserts
    with ignore_conflicts against it, so running it twice, or in two processes at once,
    creates each notice once. The occasion tells apart notices of one kind that are meant
    to repeat for the same due date: the 10- and 3-working-day warnings ("d10", "d3"), the
    n-th overdue reminder ("overdue-n"), a notice caused by a change ("v<item version>")."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("提醒类型", max_length=20, choices=Kind.choices)
    suggestion = models.ForeignKey(
        "suggestions.Suggestion",
        verbose_name="建议",
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    draft = models.ForeignKey(
        "drafts.Draft",
        verbose_name="网上建议草稿",
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        help_text="代表网上起草的建议在受理前没有建议编号，提醒指向草稿。",
    )
    download = models.ForeignKey(
        "downloads.Download",
        verbose_name="后台下载",
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        help_text="后台生成的文件完成（或失败）时，提醒指向它的页面。",
    )
    text = models.CharField("内容", max_length=500)
    due_on = models.DateField("相关期限", null=True, blank=True)
    occasion = models.CharField("场合", max_length=40, blank=True, default="")
    batch = models.UUIDField("批次", db_index=True, editable=False)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "recipient", "kind", "due_on", "occasion"],
                name="notification_once",
            ),
            models.UniqueConstraint(
                fields=["draft", "recipient", "kind", "occasion"],
                name="draft_notification_once",
                condition=models.Q(draft__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["download", "recipient", "kind"],
                name="download_notification_once",
                condition=models.Q(download__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(suggestion__isnull=False, draft__isnull=True, download=None)
                | models.Q(suggestion__isnull=True, draft__isnull=False, download=None)
                | models.Q(suggestion__isnull=True, draft__isnull=True, download__isnull=False),
                name="notification_about_one_thing",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text}"

    @property
    def subject(self):
        """What the notice is about: the item, or a deputy's draft before it is one (both
        have `code` and `title`)."""
        return self.suggestion if self.suggestion_id else self.draft


class Delivery(models.Model):
    """An e-mail or SMS copy of a notification, sent by the worker off the request path,
    retried with back-off; the admin lists the failures."""

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    notification = models.ForeignKey(
        Notification, verbose_name="提醒", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    address = models.CharField("地址或号码", max_length=254)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now, db_index=True)
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒发送"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "address"], name="delivery_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}（{self.get_status_display()}）"


class NoticePreference(models.Model):
    """The channels a user chose besides the in-app notice (always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    by_email = models.BooleanField("电子邮件提醒", default=False)
    by_sms = models.BooleanField("短信提醒", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "提醒方式"

    def __str__(self):
        return f"{self.user}的提醒方式"


class DepartmentContact(models.Model):
    """A department's contact person: receives the department's notices by e-mail and SMS
    even without an account."""

    department = models.ForeignKey(
        "departments.Department",
        verbose_name="承办单位",
        on_delete=models.CASCADE,
        related_name="notice_contacts",
    )
    name = models.CharField("联系人", max_length=50)
    email = models.EmailField("电子邮件", blank=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位联系人"
        ordering = ["department", "name"]

    def __str__(self):
        return f"{self.department} {self.name}"
