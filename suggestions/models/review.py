"""Reply review (答复审核) and countersigning (会签), DESIGN §11: the two policy switches and
the lead's reply draft (答复稿) that goes through them before it becomes a Reply.

The draft is its own table, not a stage of Reply: a Reply is a recorded round that the
reports, the portal and the publication read; a draft under countersign or review is
nobody's figure until the office sends it on, so keeping it apart leaves every reader of
Reply unchanged whichever way the switches stand."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from departments.models import Department
from departments.models import protected_fk
from suggestions.models.items import Suggestion
from suggestions.models.records import Reply
from suggestions.models.records import ReplyContent


class HandlingPolicy(models.Model):
    """The handling switches. One row, both off by default (and in the demo).

    Not fields of DeadlinePolicy: that row is read by the deadline arithmetic and its
    history is the history of deadlines; these switch a step of the workflow on or off."""

    reply_review = models.BooleanField(
        "答复审核",
        default=False,
        help_text="开启后，主办单位的答复先送区政府办公室审核，审核通过后才送达代表并计入统计。",
    )
    countersign = models.BooleanField(
        "会签",
        default=False,
        help_text="开启后，有会办单位的建议，答复稿须经每个会办单位会签同意后方可提交。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "办理流程设置"

    def __str__(self):
        return "办理流程设置"

    @classmethod
    def current(cls) -> "HandlingPolicy":
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()


class ReplyDraft(ReplyContent):
    """The lead's reply before it is recorded: under countersign, awaiting review, returned,
    superseded by a revision, or sent (then `reply` is the recorded round)."""

    class Stage(models.TextChoices):
        COUNTERSIGN = "countersign", "会签中"
        REVIEW = "review", "待审核"
        RETURNED = "returned", "退回修改"
        SUPERSEDED = "superseded", "已修改"
        SENT = "sent", "已送达"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="reply_drafts"
    )
    department = protected_fk(Department, "答复单位", related_name="reply_drafts")
    stage = models.CharField("环节", max_length=20, choices=Stage.choices)
    written_on = models.DateField("答复函日期")
    review_note = models.TextField("审核意见", blank=True)
    reviewed_by = protected_fk(settings.AUTH_USER_MODEL, "审核人", optional=True)
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    reply = models.OneToOneField(
        Reply,
        verbose_name="送达的答复",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="draft",
    )
    created_by = protected_fk(settings.AUTH_USER_MODEL, "经办人")
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "答复稿"
        ordering = ["suggestion_id", "pk"]
        constraints = [
            # At most one draft is in play per item: the lead revises it, or it is decided.
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=models.Q(stage__in=["countersign", "review"]),
                name="reply_draft_one_open",
            ),
        ]

    def __str__(self):
        return f"答复稿（{self.get_stage_display()}）"


class Countersign(models.Model):
    """A co department's 会签 of one draft: agree, or disagree with its opinion."""

    draft = models.ForeignKey(
        ReplyDraft, verbose_name="答复稿", on_delete=models.CASCADE, related_name="countersigns"
    )
    department = protected_fk(Department, "会签单位", related_name="countersigns")
    agree = models.BooleanField("同意")
    opinion = models.TextField("会签意见", blank=True)
    signed_on = models.DateField("会签日期")
    signed_by = protected_fk(settings.AUTH_USER_MODEL, "会签人")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会签"
        ordering = ["draft_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "department"], name="countersign_once_per_department"
            ),
        ]

    def __str__(self):
        return f"{self.department}{'同意' if self.agree else '不同意'}"
