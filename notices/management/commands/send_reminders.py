"""python manage.py send_reminders [--date D] [--sync]: the daily job of DESIGN §9.

Idempotent: run it twice, or in two processes at once, and each reminder exists once.
On a day off it sends nothing. Without --sync the e-mails and SMS wait in the queue for
the worker (db_worker); with --sync they are sent before the command ends.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from notices.delivery import deliver_due
from notices.reminders import send_reminders


class Command(BaseCommand):
    help = "发送临期、超期、会办意见和计划完成时间提醒（仅在工作日发送，可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天发送（YYYY-MM-DD，默认今天）")
        parser.add_argument("--sync", action="store_true", help="在本进程内发送邮件和短信")

    def handle(self, *args, date=None, sync=False, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{date}") from exc
        with transaction.atomic():
            result = send_reminders(day)
        self.stdout.write(
            f"{day:%Y-%m-%d}：应发提醒{result['reminders']}条，新建{result['created']}条。"
        )
        if sync:
            sent = deliver_due()
            self.stdout.write(f"已发送{sent['sent']}条，失败{sent['failed']}条。")
