"""The records of an item's life: reply rounds, follow-ups, the outcome ledger, the deputy's
feedback, the timeline, and the log of Excel exports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from departments.models import Department
from departments.models import protected_fk
from suggestions.models.items import Outcome
from suggestions.models.items import Satisfaction
from suggestions.models.items import Status
from suggestions.models.items import Suggestion


class ReplyContent(models.Model):
    """What a reply says, shared by the recorded round (Reply) and the lead's draft under
    countersign or review (ReplyDraft, DESIGN §11)."""

    outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices)
    text = models.TextField("答复内容")
    letter = models.FileField("答复函", upload_to="letters/%Y/%m/", blank=True)
    letter_name = models.CharField("答复函文件名", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    # DESIGN §11: a reply of 正在解决 / 计划解决 carries the date by which the department
    # promises completion (the reminders of §9 and the re-check campaigns read it).
    promised_on = models.DateField("计划完成时间", null=True, blank=True)

    class Meta:
        abstract = True


class Reply(ReplyContent):
    """One round of 办复: the first reply, then one per rework."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="replies"
    )
    round = models.PositiveSmallIntegerField("轮次")
    department = protected_fk(Department, "答复单位", related_name="replies")
    replied_on = models.DateField("答复日期")
    created_by = protected_fk(settings.AUTH_USER_MODEL, "经办人")
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "办复"
        ordering = ["suggestion_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round"], name="reply_unique_round"),
        ]

    def __str__(self):
        return f"第{self.round}轮答复（{self.get_outcome_display()}）"

    @property
    def letter_previewable(self) -> bool:
        """A PDF letter opens in the browser; Word and OFD letters download."""
        return self.letter_name.lower().endswith(".pdf")


def replies_answering(item: Suggestion) -> models.QuerySet:
    """The reply rounds that answer `item` (DESIGN §11): its own; a merged item's, those
    of its primary (written once); a split item's, those of its parts."""
    if item.merged_into_id:
        return Reply.objects.filter(suggestion_id=item.merged_into_id)
    if item.split_on:
        return Reply.objects.filter(suggestion__part_of=item.pk)
    return Reply.objects.filter(suggestion_id=item.pk)


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", "实地走访"
        CALLBACK = "callback", "电话回访"
        MEETING = "meeting", "面商"
        SUPERVISION = "supervision", "督办"
        SPOT_CHECK = "spot_check", "抽查"
        RECHECK = "recheck", "跟踪复查"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField("方式", max_length=20, choices=Kind.choices)
    happened_on = models.DateField("日期")
    department = protected_fk(Department, "单位", optional=True, related_name="follow_ups")
    participants = models.CharField("参加人员", max_length=200, blank=True)
    findings = models.TextField("情况与结论")
    consistent_with_reply = models.BooleanField(
        "与办理结果相符", null=True, blank=True, help_text="抽查、复查时填写"
    )
    created_by = protected_fk(settings.AUTH_USER_MODEL, "记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "跟踪记录"
        ordering = ["suggestion_id", "happened_on", "id"]
        indexes = [models.Index(fields=["kind", "happened_on"], name="followup_kind_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on}"


# The types a browser shows itself (PDF viewer, images); anything else downloads.
PREVIEW_TYPES = {"application/pdf", "image/jpeg", "image/png"}


class FollowUpEvidence(models.Model):
    """A file backing a follow-up record (photographs of a visit, a re-check's documents):
    stored under a random name, served only through the read gate."""

    MAX_PER_RECORD = 10

    follow_up = models.ForeignKey(
        FollowUp, verbose_name="跟踪记录", on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = protected_fk(settings.AUTH_USER_MODEL, "上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "跟踪记录证明材料"
        ordering = ["follow_up_id", "id"]

    def __str__(self):
        return self.name

    @property
    def previewable(self) -> bool:
        return self.content_type in PREVIEW_TYPES


class OutcomeChange(models.Model):
    """The ledger of an item's outcome: one row per reply round and per re-check.

    The outcome on a date D is the latest row effective on or before D, so reports as of
    any date read one table.
    """

    class Source(models.TextChoices):
        REPLY = "reply", "办复"
        RECHECK = "recheck", "跟踪复查"
        MERGED = "merged", "并案办理"
        SPLIT = "split", "分办汇总"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="outcome_changes"
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    from_outcome = models.CharField(
        "原办理结果", max_length=20, choices=Outcome.choices, blank=True
    )
    to_outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices)
    effective_on = models.DateField("生效日期")
    reply = models.OneToOneField(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="outcome_change"
    )
    follow_up = models.OneToOneField(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="outcome_change"
    )
    evidence = models.TextField("依据", blank=True)
    # A merged item's copy of its primary's row (source 并案办理).
    mirror_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="mirrors"
    )
    created_by = protected_fk(settings.AUTH_USER_MODEL, "记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理结果变更"
        ordering = ["suggestion_id", "effective_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="reply", reply__isnull=False, follow_up__isnull=True))
                | (Q(source="recheck", follow_up__isnull=False, reply__isnull=True))
                | Q(source="merged", mirror_of__isnull=False, reply__isnull=True, follow_up=None)
                | Q(source="split", follow_up__isnull=True, reply__isnull=True),
                name="outcomechange_has_its_record",
            ),
        ]
        indexes = [
            models.Index(fields=["suggestion", "effective_on", "id"], name="outcome_sugg_date"),
        ]

    def __str__(self):
        return f"{self.get_from_outcome_display() or '—'} → {self.get_to_outcome_display()}"


class Feedback(models.Model):
    """The deputy's rating of a reply round (代表意见反馈)."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="feedbacks"
    )
    reply = models.ForeignKey(
        Reply, verbose_name="对应答复", on_delete=models.CASCADE, related_name="feedbacks"
    )
    satisfaction = models.CharField("满意度", max_length=20, choices=Satisfaction.choices)
    comment = models.TextField("代表意见", blank=True)
    received_on = models.DateField("反馈日期")
    # The lead deputy's own rating in the portal (DESIGN §10); False is a rating the office
    # entered from paper or a call (代录), `created_by` saying who entered it.
    entered_by_deputy = models.BooleanField("代表网上评价", default=False, db_default=False)
    created_by = protected_fk(settings.AUTH_USER_MODEL, "记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "代表反馈"
        ordering = ["suggestion_id", "received_on", "id"]
        constraints = [
            # Once per item and round: merged items share their primary's rounds (§11).
            models.UniqueConstraint(fields=["suggestion", "reply"], name="feedback_once_per_reply"),
        ]
        indexes = [
            models.Index(fields=["suggestion", "received_on", "id"], name="feedback_sugg_date"),
        ]

    def __str__(self):
        return self.get_satisfaction_display()

    @property
    def channel_label(self) -> str:
        """代表网上评价, or 代录 with who entered it."""
        if self.entered_by_deputy:
            return "代表网上评价"
        return f"代录：{self.created_by}"


class CloseReason(models.TextChoices):
    NO_FEEDBACK = "no_feedback", "代表未反馈"
    OTHER = "other", "其他"


class Event(models.Model):
    """The item's timeline: one row per transition, written by the service that made it."""

    class Action(models.TextChoices):
        CREATE = "create", "登记"
        UPDATE = "update", "修改"
        ASSIGN = "assign", "交办"
        REASSIGN = "reassign", "重新交办"
        ACKNOWLEDGE = "acknowledge", "签收"
        RETURN_REQUEST = "return_request", "申请退办"
        RETURN_APPROVE = "return_approve", "同意退办"
        RETURN_REJECT = "return_reject", "不同意退办"
        CO_OPINION = "co_opinion", "提交会办意见"
        REPLY = "reply", "办复"
        REPLY_DRAFT = "reply_draft", "提交答复稿"
        COUNTERSIGN = "countersign", "会签"
        REPLY_RETURN = "reply_return", "答复退回修改"
        FEEDBACK = "feedback", "代表反馈"
        EXTENSION_REQUEST = "extension_request", "申请延期"
        EXTENSION_APPROVE = "extension_approve", "同意延期"
        EXTENSION_REJECT = "extension_reject", "不同意延期"
        FOLLOW_UP = "follow_up", "跟踪记录"
        RECHECK = "recheck", "跟踪复查"
        KEY_SUPERVISION = "key_supervision", "重点督办"
        CLOSE = "close", "办结"
        VOID = "void", "作废"
        MERGE = "merge", "并案"
        UNMERGE = "unmerge", "撤销并案"
        SPLIT = "split", "分办"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=30, choices=Action.choices)
    actor = protected_fk(settings.AUTH_USER_MODEL, "操作人")
    department = protected_fk(Department, "操作单位", optional=True)
    occurred_at = models.DateTimeField("时间")
    from_status = models.CharField("原状态", max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=Status.choices, blank=True)
    note = models.TextField("说明", blank=True)
    # 办结 without the deputy's rating says why (DESIGN §4): kept on the close event.
    close_reason = models.CharField(
        "未评价办结原因", max_length=20, choices=CloseReason.choices, blank=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["suggestion_id", "occurred_at", "id"]
        indexes = [models.Index(fields=["suggestion", "occurred_at"], name="event_sugg_time")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class ExportLog(models.Model):
    """One Excel export of the suggestion list: who, when, with which filter, how many rows."""

    user = protected_fk(settings.AUTH_USER_MODEL, "导出人")
    exported_at = models.DateTimeField("导出时间", auto_now_add=True, db_index=True)
    query = models.TextField(
        "筛选条件", blank=True, help_text="与建议列表网址中的查询参数相同；空表示全部"
    )
    row_count = models.PositiveIntegerField("导出行数")

    class Meta:
        verbose_name = verbose_name_plural = "导出记录"
        ordering = ["-exported_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.exported_at:%Y-%m-%d %H:%M} 导出{self.row_count}行"
