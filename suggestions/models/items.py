"""The item (代表建议) and the vocabulary of its life: kinds, sources, states, outcomes,
ratings and topics (DESIGN §2–3).

A few dates are kept on Suggestion as well as on the records they come from
(assigned_on, first_replied_on, reply_due_on, due_on, outcome, satisfaction): the services
write both in one transaction, and lists, filters and reports then read one indexed row
instead of joining every record of an item's life."""

from django.conf import settings
from django.db import models
from django.db.models import F
from simple_history.models import HistoricalRecords

from departments.models import CongressSession
from departments.models import Deputy
from departments.models import protected_fk


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


# The partial indexes' conditions (Suggestion.Meta.indexes): an item a department owes a
# reply on, one it works on (not merged nor split, DESIGN §11), one the office assigns or
# rates.
OPEN = models.Q(status__in=OPEN_STATUSES)
WORKED = models.Q(merged_into__isnull=True, split_on__isnull=True)
TO_ASSIGN = models.Q(status=Status.DRAFT, merged_into__isnull=True)
TO_RATE = models.Q(status=Status.REPLIED, part_of__isnull=True)


def sort_indexes(field: str, name: str) -> list[models.Index]:
    """The two indexes of the list sorted by `field`, ascending and descending."""
    return [
        models.Index(fields=[field, "id"], name=f"sugg_{name}_asc"),
        models.Index(F(field).desc(nulls_last=True), F("id"), name=f"sugg_{name}_desc"),
    ]


class Suggestion(models.Model):
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.SUGGESTION)
    source = models.CharField("提出时间", max_length=10, choices=Source.choices)
    number = models.PositiveIntegerField("编号", help_text="同一年度、同一类别内唯一")
    session = protected_fk(CongressSession, "会议", optional=True, related_name="suggestions")
    title = models.CharField("标题", max_length=200)
    content = models.TextField("内容", blank=True)
    topic = models.CharField("主题分类", max_length=30, choices=Topic.choices, default=Topic.OTHER)
    lead_deputy = protected_fk(Deputy, "领衔代表", related_name="led_suggestions")
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
    # The promised completion date of the current outcome when it is 正在解决 / 计划解决
    # (DESIGN §11), from the reply that set it; empty once resolved or for reference.
    promised_on = models.DateField("计划完成时间", null=True, blank=True, editable=False)

    # 作废: items are never deleted; a voided item leaves every report dated on or after
    # voided_on and stays in every report dated before it.
    voided_on = models.DateField("作废日期", null=True, blank=True, editable=False)
    void_reason = models.TextField("作废理由", blank=True, editable=False)

    # 并案 and 分办 (DESIGN §11), kept by suggestions.services.grouping.
    # A merged item is handled on its primary (主件): its handling fields and records mirror
    # the primary's; its rating is its own.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入主件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_members",
    )
    merged_on = models.DateField("并案日期", null=True, blank=True, editable=False)
    # A split item's parts are items of their own (part_no 1, 2, …, same number), each with
    # its lead, deadline, reply and outcome; the split item's handling fields are derived
    # from them and only it counts in the statistics.
    part_of = models.ForeignKey(
        "self",
        verbose_name="分办原件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="parts",
    )
    part_no = models.PositiveSmallIntegerField("分办序号", default=0, editable=False)
    split_on = models.DateField("分办日期", null=True, blank=True, editable=False)

    created_by = protected_fk(settings.AUTH_USER_MODEL, "登记人", null=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "代表建议"
        ordering = ["-year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "number", "part_no"], name="suggestion_unique_number"
            ),
        ]
        indexes = [
            # The list's default order (newest year first, then kind and number).
            # The list's default order as the seek pages read it (suggestions/filters.py,
            # LIST_KEYS): -year, so that one row comparison starts a page.
            models.Index(
                F("year") * -1, F("kind"), F("number"), F("part_no"), name="sugg_list_seek"
            ),
            models.Index(
                fields=["year", "kind", "status", "due_on"], name="sugg_year_kind_status_due"
            ),
            # A status (the lists' filter, the deadlines' overdue) in 期限 order, both ways.
            models.Index(fields=["status", "due_on", "id"], name="sugg_status_due_asc"),
            models.Index(
                F("status"), F("due_on").desc(nulls_last=True), F("id"), name="sugg_status_due_desc"
            ),
            models.Index(fields=["year", "kind", "assigned_on"], name="sugg_year_kind_assigned"),
            models.Index(
                fields=["year", "kind", "first_replied_on"], name="sugg_year_kind_replied"
            ),
            # The daily job's promised-completion reminders (a day's few items).
            models.Index(fields=["promised_on"], name="sugg_promised_on"),
            # The list's sortable columns (suggestions.filters.ORDERING_FIELDS, ending on
            # pk), both directions; not 状态 nor 标题 (bench/README.md). A nullable date
            # sorts nulls last both ways, which takes a descending index of its own (SQLite
            # cannot index NULLS LAST: migration 0016 gives it the plain descending order);
            # a column without NULLs is read backwards for the descending order.
            *sort_indexes("due_on", "due"),
            *sort_indexes("assigned_on", "assigned"),
            *sort_indexes("first_replied_on", "replied"),
            models.Index(fields=["received_on", "id"], name="sugg_received_asc"),
            models.Index(fields=["number", "id"], name="sugg_number_asc"),
            # 待办计数 (suggestions.workspace.todo_count), each a few index-only reads:
            # the overdue items, the handlers' open items, the office's waiting ones.
            models.Index(fields=["due_on"], condition=OPEN, name="sugg_open_due"),
            models.Index(fields=["id", "status"], condition=OPEN & WORKED, name="sugg_open_worked"),
            models.Index(fields=["id"], condition=TO_ASSIGN, name="sugg_to_assign"),
            models.Index(fields=["id"], condition=TO_RATE, name="sugg_to_rate"),
            models.Index(
                fields=["status"], condition=models.Q(key_supervision=True), name="sugg_key"
            ),
            # 我的待办 (suggestions.workspace.workspace_sections), the first items of a
            # section in its order (due date, year, number, pk): the overdue and due-soon
            # items, and the open items a department works on (with their status, which
            # picks 办理中 and 重新办理), walked until its first items are found.
            models.Index(
                fields=["due_on", "year", "number", "id"], condition=OPEN, name="sugg_open_order"
            ),
            models.Index(
                fields=["due_on", "year", "number", "id", "status"],
                condition=OPEN & WORKED,
                name="sugg_open_worked_order",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("suggestions:detail", args=[self.pk])

    @property
    def code(self) -> str:
        code = suggestion_code(self.year, self.kind, self.number)
        return f"{code}-{self.part_no}" if self.part_no else code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
