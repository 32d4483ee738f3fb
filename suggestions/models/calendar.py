"""The working-day calendar (法定节假日与调休) and the deadline policy (DESIGN §4)."""

from django.db import models
from simple_history.models import HistoricalRecords


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
        verbose_name = verbose_name_plural = "工作日历"
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
        verbose_name = verbose_name_plural = "期限规则"

    def __str__(self):
        return "期限规则"

    @classmethod
    def current(cls) -> "DeadlinePolicy":
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()
