"""Who handles an item: assignments (交办, 主办/会办) and the requests a department makes
about its assignment (申请退办, 申请延期) with the office's decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from departments.models import Department
from departments.models import protected_fk
from suggestions.models.items import Suggestion


class Assignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "会办"

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.CASCADE, related_name="assignments"
    )
    department = protected_fk(Department, "承办单位", related_name="assignments")
    role = models.CharField("承办方式", max_length=10, choices=Role.choices)
    assigned_on = models.DateField("交办日期")
    reply_due_on = models.DateField("办复期限", null=True, blank=True)
    extended_due_on = models.DateField("延期后期限", null=True, blank=True)
    opinion_due_on = models.DateField("会办意见期限", null=True, blank=True)
    return_window_ends_on = models.DateField("退办申请截止", null=True, blank=True)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = protected_fk(settings.AUTH_USER_MODEL, "签收人", optional=True)
    opinion = models.TextField("会办意见", blank=True)
    opinion_on = models.DateField("会办意见日期", null=True, blank=True)
    opinion_by = protected_fk(settings.AUTH_USER_MODEL, "会办意见提交人", optional=True)
    # A re-assignment (after an approved return) ends an assignment instead of deleting it,
    # so the item's history keeps who held it and when.
    is_active = models.BooleanField("有效", default=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    # The primary's (or a split's first part's) assignment this row copies (DESIGN §11): a
    # merged item is counted with its primary's handling, and a split item with its first
    # part's lead. Mirrors are kept by suggestions.services.grouping, never worked on.
    mirror_of = models.ForeignKey(
        "self",
        verbose_name="所据交办",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mirrors",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "交办"
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
            # 待办计数: the items a department leads, and those where as a co department it
            # has not acknowledged or not given its opinion (suggestions.workspace.todo_count).
            models.Index(
                fields=["department", "suggestion"],
                condition=Q(is_active=True, role="lead"),
                name="assign_dept_lead",
            ),
            models.Index(
                fields=["department", "suggestion"],
                condition=Q(is_active=True, role="co")
                & (Q(acknowledged_at__isnull=True) | Q(opinion="")),
                name="assign_dept_co_owing",
            ),
            # 我的待办: a co department's items in the order of its opinion's due date,
            # those without its opinion and those it has not acknowledged.
            models.Index(
                fields=["department", "opinion_due_on", "suggestion"],
                condition=Q(is_active=True, role="co", opinion=""),
                name="assign_dept_co_opinion",
            ),
            models.Index(
                fields=["department", "opinion_due_on", "suggestion"],
                condition=Q(is_active=True, role="co", acknowledged_at__isnull=True),
                name="assign_dept_co_unsigned",
            ),
        ]

    def __str__(self):
        return f"{self.department}（{self.get_role_display()}）"

    @property
    def due_in_force(self):
        return self.extended_due_on or self.reply_due_on


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "不同意"


def one_pending_per_assignment(name: str) -> models.UniqueConstraint:
    """A department has at most one request of a kind waiting on an assignment."""
    return models.UniqueConstraint(
        fields=["assignment"], condition=Q(status=RequestStatus.PENDING), name=name
    )


class HandlingRequest(models.Model):
    """What a department asks of the office about its assignment, and the decision."""

    reason = models.TextField("理由")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    requested_by = protected_fk(settings.AUTH_USER_MODEL, "申请人")
    status = models.CharField(
        "审批状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    # The day the decision took effect: an extension counts in reports dated on or after it.
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = protected_fk(settings.AUTH_USER_MODEL, "审批人", optional=True)
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
    suggested_department = protected_fk(Department, "建议改交单位", optional=True)

    history = HistoricalRecords()

    class Meta(HandlingRequest.Meta):
        verbose_name = verbose_name_plural = "退办申请"
        constraints = [one_pending_per_assignment("return_one_pending")]

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
        verbose_name = verbose_name_plural = "延期申请"
        constraints = [one_pending_per_assignment("extension_one_pending")]

    def __str__(self):
        return f"{self.assignment}延期至{self.requested_due_on}（{self.get_status_display()}）"
