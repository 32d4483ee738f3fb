"""Reaching people (DESIGN §9). So far: each user's private calendar feed of the due dates
it owes, which Outlook, WPS and phones subscribe to by URL."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret in a user's calendar URL: whoever has the URL reads the user's due dates,
    so it is long, random, and replaced (the old URL stops working) at the user's wish."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField("订阅密钥", max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历订阅"

    def __str__(self):
        return f"{self.user}的日历订阅"
