from django.conf import settings
from django.db import models

from departments.models import Department
from departments.models import protected_fk
from suggestions.models import Kind
from suggestions.models import Source


class IssuedReport(models.Model):
    """A report as sent to the people's congress: its figures are frozen when issued and
    never change, whatever is recorded later."""

    title = models.CharField("标题", max_length=200)
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    source = models.CharField("提出时间", max_length=10, choices=Source.choices, blank=True)
    department = protected_fk(Department, "主办单位", optional=True)
    as_of = models.DateField("截至日期")
    previous_as_of = models.DateField("比较日期", null=True, blank=True)
    # The JSON of DESIGN §7 plus the exact counts a later report compares with.
    figures = models.JSONField("统计数据")
    narrative = models.TextField("报告文字")
    issued_by = protected_fk(settings.AUTH_USER_MODEL, "印发人")
    issued_at = models.DateTimeField("印发时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已印发报告"
        ordering = ["-as_of", "-issued_at"]
        indexes = [models.Index(fields=["year", "kind", "as_of"], name="issued_scope_date")]

    def __str__(self):
        return self.title

    @property
    def resolved_and_replied(self) -> tuple[int, int]:
        counts = self.figures["counts"]
        return counts["resolved"], counts["replied"]


class IssuedReportFile(models.Model):
    """The files of an issued report exactly as they were issued: the Word draft, the
    workbook and the JSON, rendered once at issue and served unchanged ever after."""

    report = models.ForeignKey(
        IssuedReport, verbose_name="已印发报告", on_delete=models.PROTECT, related_name="files"
    )
    fmt = models.CharField("格式", max_length=10)
    content = models.BinaryField("文件内容")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已印发报告文件"
        constraints = [
            models.UniqueConstraint(fields=["report", "fmt"], name="issued_file_once"),
        ]

    def __str__(self):
        return f"{self.report}（{self.fmt}）"
