"""The handling domain of DESIGN §2–4.

Rules live in services.py; these models hold fields, choices, constraints and properties of
their own row. A few dates are kept on Suggestion as well as on the records they come from
(assigned_on, first_replied_on, reply_due_on, due_on, outcome, satisfaction): the services
write both in one transaction, and lists, filters and reports then read one indexed row
instead of joining every record of an item's life.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from departments.models import CongressSession, Department, Deputy


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", "代表建议"
    COMMUNITY_OPINION = "community_opinion", "代表集中联系社区意见建议"


class Source(models.TextChoices):
    SESSION = "session", "大会期间"
    RECESS = "recess", "闭会期间"


class Status(models.TextChoices):
    DRAFT = "draft", "待交办"
    ASSIGNED = "assigned", "已交办"
    IN_PROGRESS = "in_progress", "办理中"
    REPLIED = "replied", "已答复"
    REWORK = "rework", "重新办理"
    CLOSED = "closed", "已办结"
    VOIDED = "voided", "已作废"


# States in which a department owes a reply: deadlines are watched only here.
OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REWORK)
# States in which nobody works on the item any more.
ENDED_STATUSES = (Status.CLOSED, Status.VOIDED)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "已经解决"
    IN_PROGRESS = "in_progress", "正在解决"
    PLANNED = "planned", "计划解决"
    FOR_REFERENCE = "for_reference", "留作参考"

    @property
    def letter(self) -> str:
        return {"resolved": "A", "in_progress": "B", "planned": "C", "for_reference": "D"}[
            self.value
        ]


# Items with these outcomes stay on the follow-up list until a re-check resolves them.
FOLLOW_UP_OUTCOMES = (Outcome.IN_PROGRESS, Outcome.PLANNED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Topic(models.TextChoices):
    URBAN_CONSTRUCTION = "urban_construction", "城市建设与管理"
    HOUSING = "housing", "住房保障与旧区改造"
    TRANSPORT = "transport", "交通出行"
    ENVIRONMENT = "environment", "生态环境与绿化市容"
    ELDERLY = "elderly", "养老服务"
    HEALTH = "health", "医疗卫生"
    EDUCATION = "education", "教育"
    CULTURE_SPORTS = "culture_sports", "文化体育"
    ECONOMY = "economy", "经济发展"
    SOCIAL_GOVERNANCE = "social_governance", "社会治理与平安建设"
    OTHER = "other", "其他"


def suggestion_code(year: int, kind: str, number: int) -> str:
    """2023建012 (代表建议) or 2023社007 (社区意见建议): the number users quote."""
    prefix = "建" if kind == Kind.SUGGESTION else "社"
    return f"{year}{prefix}{number:03d}"


class Suggestion(models.Model):
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.SUGGESTION)
    source = models.CharField("提出时间", max_length=10, choices=Source.choices)
    number = models.PositiveIntegerField("编号", help_text="同一年度、同一类别内唯一")
    session = models.ForeignKey(
        CongressSession,
        verbose_name="会议",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容", blank=True)
    topic = models.CharField("主题分类", max_length=30, choices=Topic.choices, default=Topic.OTHER)
    lead_deputy = models.ForeignKey(
        Deputy,
        verbose_name="领衔代表",
        on_delete=models.PROTECT,
        related_name="led_suggestions",
    )
    co_signers = models.ManyToManyField(
        Deputy, verbose_name="联名代表", blank=True, related_name="cosigned_suggestions"
    )
    received_on = models.DateField("收到日期")
    key_supervision = models.BooleanField("重点督办", default=False)
    status = models.CharField(
        "办理状态", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    # Kept by the services from the records of the item's life (see module docstring).
    assigned_on = models.DateField("交办日期", null=True, blank=True, editable=False)
    reply_due_on = models.DateField(
        "办复期限", null=True, blank=True, editable=False, help_text="含已批准的延期"
    )
    due_on = models.DateField(
        "当前期限",
        null=True,
        blank=True,
        editable=False,
        help_text="待答复时的期限：首次办复期限，或重新办理的期限",
    )
    # The date the current reply_due_on took effect (the lead's assignment or the approval
    # of its latest extension). A report as of D reads reply_due_on directly when this is on
    # or before D, and looks the assignments up only for items re-assigned or extended later.
    reply_due_from = models.DateField("办复期限生效日期", null=True, blank=True, editable=False)
    first_replied_on = models.DateField("首次办复日期", null=True, blank=True, editable=False)
    # The due date in force on the first reply's date: on time means first_replied_on is on
    # or before it. Fixed once the first reply is recorded (no extension or re-assignment
    # follows a reply), so a past report's on-time count never moves.
    first_reply_due_on = models.DateField("首次办复时的期限", null=True, blank=True, editable=False)
    outcome = models.CharField(
        "办理结果", max_length=20, choices=Outcome.choices, blank=True, editable=False
    )
    satisfaction = models.CharField(
        "代表满意度", max_length=20, choices=Satisfaction.choices, blank=True, editable=False
    )
    # When the current outcome and rating took effect. A report as of D reads `outcome`
    # directly for items whose outcome_on is on or before D, and looks the ledger up only
    # for the few that changed after D.
    outcome_on = models.DateField("办理结果日期", null=True, blank=True, editable=False)
    satisfaction_on = models.DateField("满意度日期", null=True, blank=True, editable=False)

    # 作废: items are never deleted; a voided item leaves every report dated on or after
    # voided_on and stays in every report dated before it.
    voided_on = models.DateField("作废日期", null=True, blank=True, editable=False)
    void_reason = models.TextField("作废理由", blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "代表建议"
        verbose_name_plural = "代表建议"
        ordering = ["-year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "number"], name="suggestion_unique_number"
            ),
        ]
        indexes = [
            # The list's default order (newest year first, then kind and number).
            models.Index(F("year").desc(), "kind", "number", name="sugg_list_order"),
            models.Index(
                fields=["year", "kind", "status", "due_on"], name="sugg_year_kind_status_due"
            ),
            models.Index(fields=["status", "due_on"], name="sugg_status_due"),
            models.Index(fields=["year", "kind", "assigned_on"], name="sugg_year_kind_assigned"),
            models.Index(
                fields=["year", "kind", "first_replied_on"], name="sugg_year_kind_replied"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("suggestions:detail", args=[self.pk])

    @property
    def code(self) -> str:
        return suggestion_code(self.year, self.kind, self.number)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Assignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "会办"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        Department, verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("承办方式", max_length=10, choices=Role.choices)
    assigned_on = models.DateField("交办日期")
    reply_due_on = models.DateField("办复期限", null=True, blank=True)
    extended_due_on = models.DateField("延期后期限", null=True, blank=True)
    opinion_due_on = models.DateField("会办意见期限", null=True, blank=True)
    return_window_ends_on = models.DateField("退办申请截止", null=True, blank=True)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opinion = models.TextField("会办意见", blank=True)
    opinion_on = models.DateField("会办意见日期", null=True, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="会办意见提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A re-assignment (after an approved return) ends an assignment instead of deleting it,
    # so the item's history keeps who held it and when.
    is_active = models.BooleanField("有效", default=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "交办"
        verbose_name_plural = "交办"
        ordering = ["suggestion_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(is_active=True, role="lead"),
                name="assignment_one_active_lead",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "department"],
                condition=Q(is_active=True),
                name="assignment_department_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["department", "is_active", "suggestion"], name="assign_dept_active"
            ),
        ]

    def __str__(self):
        return f"{self.department}（{self.get_role_display()}）"

    @property
    def due_in_force(self):
        return self.extended_due_on or self.reply_due_on


class Reply(models.Model):
    """One round of 办复: the first reply, then one per rework."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="replies"
    )
    round = models.PositiveSmallIntegerField("轮次")
    department = models.ForeignKey(
        Department, verbose_name="答复单位", on_delete=models.PROTECT, related_name="replies"
    )
    outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices)
    text = models.TextField("答复内容")
    letter = models.FileField("答复函", upload_to="letters/%Y/%m/", blank=True)
    letter_name = models.CharField("答复函文件名", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    replied_on = models.DateField("答复日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "办复"
        verbose_name_plural = "办复"
        ordering = ["suggestion_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round"], name="reply_unique_round"),
        ]

    def __str__(self):
        return f"第{self.round}轮答复（{self.get_outcome_display()}）"


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
    department = models.ForeignKey(
        Department,
        verbose_name="单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    participants = models.CharField("参加人员", max_length=200, blank=True)
    findings = models.TextField("情况与结论")
    consistent_with_reply = models.BooleanField(
        "与办理结果相符", null=True, blank=True, help_text="抽查、复查时填写"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "跟踪记录"
        verbose_name_plural = "跟踪记录"
        ordering = ["suggestion_id", "happened_on", "id"]
        indexes = [models.Index(fields=["kind", "happened_on"], name="followup_kind_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on}"


class OutcomeChange(models.Model):
    """The ledger of an item's outcome: one row per reply round and per re-check.

    The outcome on a date D is the latest row effective on or before D, so reports as of
    any date read one table.
    """

    class Source(models.TextChoices):
        REPLY = "reply", "办复"
        RECHECK = "recheck", "跟踪复查"

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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理结果变更"
        verbose_name_plural = "办理结果变更"
        ordering = ["suggestion_id", "effective_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="reply", reply__isnull=False, follow_up__isnull=True))
                | (Q(source="recheck", follow_up__isnull=False, reply__isnull=True)),
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "代表反馈"
        verbose_name_plural = "代表反馈"
        ordering = ["suggestion_id", "received_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reply"], name="feedback_once_per_reply"),
        ]
        indexes = [
            models.Index(fields=["suggestion", "received_on", "id"], name="feedback_sugg_date"),
        ]

    def __str__(self):
        return self.get_satisfaction_display()


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "不同意"


class HandlingRequest(models.Model):
    """What a department asks of the office about its assignment, and the decision."""

    reason = models.TextField("理由")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "审批状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    # The day the decision took effect: an extension counts in reports dated on or after it.
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at"]


class ReturnRequest(HandlingRequest):
    """申请退办: the lead department says the item was wrongly assigned to it."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="交办", on_delete=models.CASCADE, related_name="return_requests"
    )
    reason = models.TextField("退办理由")
    suggested_department = models.ForeignKey(
        Department,
        verbose_name="建议改交单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta(HandlingRequest.Meta):
        verbose_name = "退办申请"
        verbose_name_plural = "退办申请"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="return_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.assignment}退办申请（{self.get_status_display()}）"


class ExtensionRequest(HandlingRequest):
    """延期申请, approved by the office, at most the policy's months past the due date."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name="交办",
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    reason = models.TextField("延期理由")
    requested_due_on = models.DateField("申请延期至")

    history = HistoricalRecords()

    class Meta(HandlingRequest.Meta):
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="extension_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.assignment}延期至{self.requested_due_on}（{self.get_status_display()}）"


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
        FEEDBACK = "feedback", "代表反馈"
        EXTENSION_REQUEST = "extension_request", "申请延期"
        EXTENSION_APPROVE = "extension_approve", "同意延期"
        EXTENSION_REJECT = "extension_reject", "不同意延期"
        FOLLOW_UP = "follow_up", "跟踪记录"
        RECHECK = "recheck", "跟踪复查"
        KEY_SUPERVISION = "key_supervision", "重点督办"
        CLOSE = "close", "办结"
        VOID = "void", "作废"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="操作单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField("时间")
    from_status = models.CharField("原状态", max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=Status.choices, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["suggestion_id", "occurred_at", "id"]
        indexes = [models.Index(fields=["suggestion", "occurred_at"], name="event_sugg_time")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class CalendarDay(models.Model):
    """One day whose working status differs from the plain weekday rule, or is confirmed.

    Filled from chinese-calendar for the years it knows; admins edit later years. A day
    absent from the table falls back to Monday–Friday.
    """

    class Source(models.TextChoices):
        PACKAGE = "package", "chinese-calendar"
        MANUAL = "manual", "手工维护"

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("工作日")
    name = models.CharField("节假日名称", max_length=50, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self):
        kind = "工作日" if self.is_working_day else "休息日"
        return f"{self.date} {kind}{(' ' + self.name) if self.name else ''}"


class DeadlinePolicy(models.Model):
    """The admin-editable deadline policy (DESIGN §4). One row; the defaults are the design's."""

    reply_months = models.PositiveSmallIntegerField("办复期限（自然月）", default=3)
    co_opinion_months = models.PositiveSmallIntegerField("会办意见期限（自然月）", default=1)
    return_window_working_days = models.PositiveSmallIntegerField("退办申请期（工作日）", default=5)
    rework_months = models.PositiveSmallIntegerField("重新办理期限（自然月）", default=1)
    max_extension_months = models.PositiveSmallIntegerField("最长延期（自然月）", default=3)
    due_soon_working_days = models.PositiveSmallIntegerField("临期提醒（工作日）", default=10)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "期限规则"
        verbose_name_plural = "期限规则"

    def __str__(self):
        return "期限规则"

    @classmethod
    def current(cls) -> "DeadlinePolicy":
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()


class ExportLog(models.Model):
    """One Excel export of the suggestion list: who, when, with which filter, how many rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField("导出时间", auto_now_add=True, db_index=True)
    query = models.TextField(
        "筛选条件", blank=True, help_text="与建议列表网址中的查询参数相同；空表示全部"
    )
    row_count = models.PositiveIntegerField("导出行数")

    class Meta:
        verbose_name = "导出记录"
        verbose_name_plural = "导出记录"
        ordering = ["-exported_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.exported_at:%Y-%m-%d %H:%M} 导出{self.row_count}行"
