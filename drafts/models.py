"""Deputies drafting suggestions online (DESIGN §10): a draft, the co-signers it invites,
the co-signing deadline the office sets for a session, and the draft's own timeline.

A draft is not yet an item: it has no number and no department, and no statistic counts
it. When the office accepts it, it is registered through the same service as a typed-in
suggestion (`suggestions.services.suggestion_create`), and `Draft.suggestion` points at
the item it became.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from suggestions.models import Source
from suggestions.models import Topic


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    COSIGNING = "cosigning", "征集联名"
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已受理"
    CONVERTED = "converted", "已转为社区意见"
    DECLINED = "declined", "不予受理"


# The lead deputy still holds the draft in these; the office decides it in SUBMITTED.
OPEN_STATUSES = (DraftStatus.DRAFT, DraftStatus.COSIGNING)
DECIDED_STATUSES = (DraftStatus.ACCEPTED, DraftStatus.CONVERTED, DraftStatus.DECLINED)


class CosignDeadline(models.Model):
    """The office's deadline for co-signing the drafts of one session. It lives here, not
    on `CongressSession`, because only drafting reads it (departments stays below the
    apps that use it). Recess drafts have no office deadline: their invitations stay
    open until the lead deputy submits."""

    session = models.OneToOneField(
        "departments.CongressSession",
        verbose_name="会议",
        on_delete=models.CASCADE,
        related_name="cosign_deadline",
    )
    closes_at = models.DateTimeField("联名截止时间")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "联名截止时间"

    def __str__(self):
        return f"{self.session}：{self.closes_at:%Y-%m-%d %H:%M}"


class Draft(models.Model):
    lead_deputy = models.ForeignKey(
        "departments.Deputy",
        verbose_name="领衔代表",
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    source = models.CharField("提出时间", max_length=10, choices=Source.choices)
    session = models.ForeignKey(
        "departments.CongressSession",
        verbose_name="所属会议",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
    )
    title = models.CharField("建议标题", max_length=200)
    content = models.TextField("建议内容", blank=True)
    topic = models.CharField("主题分类", max_length=20, choices=Topic.choices, default=Topic.OTHER)
    status = models.CharField(
        "状态", max_length=12, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="受理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.TextField("不予受理理由", blank=True)
    suggestion = models.OneToOneField(
        "suggestions.Suggestion",
        verbose_name="登记为",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="draft",
    )

    class Meta:
        verbose_name = verbose_name_plural = "网上建议草稿"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="draft_queue"),
            models.Index(fields=["lead_deputy", "-updated_at"], name="draft_of_deputy"),
        ]

    def __str__(self):
        return f"{self.code}《{self.title}》"

    @property
    def code(self) -> str:
        """How a notice names a draft before it has a suggestion number."""
        return f"网上建议草稿{self.pk}号"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "待回复"
    ACCEPTED = "accepted", "已同意"
    DECLINED = "declined", "已谢绝"


class Invitation(models.Model):
    """One deputy asked to co-sign one draft, and its answer."""

    draft = models.ForeignKey(
        Draft, verbose_name="草稿", on_delete=models.CASCADE, related_name="invitations"
    )
    deputy = models.ForeignKey(
        "departments.Deputy",
        verbose_name="受邀代表",
        on_delete=models.PROTECT,
        related_name="cosign_invitations",
    )
    status = models.CharField(
        "答复", max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_at = models.DateTimeField("邀请时间", auto_now_add=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联名邀请"
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "deputy"], name="invitation_once"),
        ]
        indexes = [models.Index(fields=["deputy", "status"], name="invitation_inbox")]

    def __str__(self):
        return f"{self.deputy}：{self.get_status_display()}"


class DraftEvent(models.Model):
    """The draft's timeline: every step, who took it and when."""

    class Action(models.TextChoices):
        CREATE = "create", "起草"
        EDIT = "edit", "修改"
        INVITE = "invite", "邀请联名"
        WITHDRAW_INVITE = "withdraw_invite", "撤回邀请"
        COSIGN = "cosign", "同意联名"
        DECLINE_COSIGN = "decline_cosign", "谢绝联名"
        SUBMIT = "submit", "提交"
        ACCEPT = "accept", "受理"
        CONVERT = "convert", "转为社区意见"
        DECLINE = "decline", "不予受理"

    draft = models.ForeignKey(
        Draft, verbose_name="草稿", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField("时间")
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "草稿记录"
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()}（{self.occurred_at:%Y-%m-%d %H:%M}）"
