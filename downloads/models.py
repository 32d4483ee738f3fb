"""Work done in the queue for one user (issue 17): an export or a report too long for a
request, or an Excel import too long to write while the request waits.
The page shows its progress (rows done of total); a notice links to it when it is ready."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json; charset=utf-8",
}


class Download(models.Model):
    class Kind(models.TextChoices):
        SUGGESTIONS = "suggestions", "建议列表导出（Excel）"
        REPORT = "report", "统计报告"
        IMPORT = "import", "Excel导入"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "生成失败"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.PROTECT,
        related_name="downloads",
    )
    kind = models.CharField("内容", max_length=20, choices=Kind.choices)
    query = models.TextField("条件", blank=True, help_text="与列表或统计报告网址中的查询参数相同")
    fmt = models.CharField("格式", max_length=10, default="xlsx")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField("总行数", null=True, blank=True)
    rows_done = models.PositiveIntegerField("已完成行数", default=0)
    file = models.FileField("文件", upload_to="downloads/%Y/%m/", blank=True)
    filename = models.CharField("文件名", max_length=200)
    error = models.CharField("失败原因", max_length=200, blank=True)
    result = models.TextField(
        "结果", blank=True, help_text="导入：导入了什么，或未导入时每行的问题（每行一条）"
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="download_user_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("downloads:detail", args=[self.pk])

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]

    @property
    def is_import(self) -> bool:
        return self.kind == self.Kind.IMPORT

    @property
    def result_lines(self) -> list[str]:
        return self.result.splitlines()

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
