"""What a user keeps for itself: its saved list filters (我的筛选)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedFilter(models.Model):
    """A named query string of the suggestion list, for one user. The query is kept as
    the list reads it (its own parameters, no page); opening it replays the URL, which
    goes through the read gate like any other list request."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    name = models.CharField("名称", max_length=30)
    query = models.CharField("筛选条件", max_length=2000)
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "我的筛选"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_once"),
        ]

    def __str__(self):
        return self.name
