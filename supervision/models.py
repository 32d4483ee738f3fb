"""DESIGN §12: the assessment's weights per year, issued assessments, and the spot-check
and re-check campaigns with their items and evidence files."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from departments.models import Department
from departments.models import protected_fk
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import Suggestion


class AssessmentWeights(models.Model):
    """The parts and deductions of one year's assessment, edited by the office; every
    change is kept in the history."""

    year = models.PositiveIntegerField("年度", unique=True)
    on_time = models.DecimalField("按时办复率权重", max_digits=5, decimal_places=1, default=30)
    resolution = models.DecimalField("解决率权重", max_digits=5, decimal_places=1, default=30)
    satisfaction = models.DecimalField("满意率权重", max_digits=5, decimal_places=1, default=30)
    follow_up = models.DecimalField("跟踪落实权重", max_digits=5, decimal_places=1, default=10)
    unsatisfied_deduction = models.DecimalField(
        "每件不满意扣分", max_digits=4, decimal_places=1, default=2
    )
    overdue_deduction = models.DecimalField(
        "每件超期扣分", max_digits=4, decimal_places=1, default=1
    )
    minimum_items = models.PositiveSmallIntegerField("最少件数", default=3)
    version = models.PositiveIntegerField("版本", default=1)
    updated_by = protected_fk(settings.AUTH_USER_MODEL, "修改人", optional=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考核权重"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度考核权重"


class IssuedAssessment(models.Model):
    """An assessment as issued: the computed JSON, frozen; later weights or records never
    change it."""

    year = models.PositiveIntegerField("年度")
    as_of = models.DateField("截至日期")
    data = models.JSONField("考核结果")
    issued_by = protected_fk(settings.AUTH_USER_MODEL, "发布人")
    issued_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已发布考核"
        ordering = ["-year", "-as_of", "-issued_at"]

    def __str__(self):
        return f"{self.year}年度承办单位考核（截至{self.as_of:%Y-%m-%d}）"


class Method(models.TextChoices):
    VISIT = "visit", "实地走访"
    CALLBACK = "callback", "电话回访"


class Finding(models.TextChoices):
    TRUE = "true", "属实"
    MOSTLY_TRUE = "mostly_true", "基本属实"
    UNTRUE = "untrue", "不属实"


class SpotCheckCampaign(models.Model):
    """抽查: N % of a period's resolved items per department, drawn with a recorded seed."""

    name = models.CharField("名称", max_length=100)
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    percentage = models.PositiveSmallIntegerField("抽查比例（%）")
    seed = models.BigIntegerField("随机种子")
    departments = models.ManyToManyField(Department, verbose_name="抽查单位", related_name="+")
    created_by = protected_fk(settings.AUTH_USER_MODEL, "发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查活动"
        ordering = ["-period_end", "-id"]

    def __str__(self):
        return self.name


class SpotCheckItem(models.Model):
    campaign = models.ForeignKey(
        SpotCheckCampaign, verbose_name="抽查活动", on_delete=models.CASCADE, related_name="items"
    )
    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.PROTECT, related_name="+"
    )
    department = protected_fk(Department, "主办单位", related_name="+")
    method = models.CharField("方式", max_length=10, choices=Method.choices, blank=True)
    finding = models.CharField("结论", max_length=12, choices=Finding.choices, blank=True)
    notes = models.TextField("情况说明", blank=True)
    checked_on = models.DateField("抽查日期", null=True, blank=True)
    # The spot check as recorded on the item (and, when 不属实, the re-check that reopened it).
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recheck = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_by = protected_fk(settings.AUTH_USER_MODEL, "抽查人", optional=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查件"
        ordering = ["campaign_id", "department__sort_order", "suggestion__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "suggestion"], name="spot_item_once"),
        ]

    def __str__(self):
        return f"{self.campaign}：{self.suggestion_id}"


class RecheckCampaign(models.Model):
    """跟踪复查: every 正在解决 / 计划解决 item as of the period's end, per department, due
    by a date."""

    name = models.CharField("名称", max_length=100)
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    due_on = models.DateField("复查期限")
    created_by = protected_fk(settings.AUTH_USER_MODEL, "发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "复查活动"
        ordering = ["-period_end", "-id"]

    def __str__(self):
        return self.name


class RecheckItem(models.Model):
    campaign = models.ForeignKey(
        RecheckCampaign, verbose_name="复查活动", on_delete=models.CASCADE, related_name="items"
    )
    suggestion = models.ForeignKey(
        Suggestion, verbose_name="建议", on_delete=models.PROTECT, related_name="+"
    )
    department = protected_fk(Department, "主办单位", related_name="+")
    outcome_before = models.CharField("原办理结果", max_length=20, choices=Outcome.choices)
    promised_on = models.DateField("计划完成时间", null=True, blank=True)
    new_outcome = models.CharField("复查结果", max_length=20, choices=Outcome.choices, blank=True)
    checked_on = models.DateField("复查日期", null=True, blank=True)
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_by = protected_fk(settings.AUTH_USER_MODEL, "复查人", optional=True)

    class Meta:
        verbose_name = verbose_name_plural = "复查件"
        ordering = ["campaign_id", "department__sort_order", "suggestion__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "suggestion"], name="recheck_item_once"),
        ]

    def __str__(self):
        return f"{self.campaign}：{self.suggestion_id}"


class Evidence(models.Model):
    """A file backing a spot check or a re-check, stored under a random name."""

    spot_item = models.ForeignKey(
        SpotCheckItem, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    recheck_item = models.ForeignKey(
        RecheckItem, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = protected_fk(settings.AUTH_USER_MODEL, "上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["id"]

    def __str__(self):
        return self.name
