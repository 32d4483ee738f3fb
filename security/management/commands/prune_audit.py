from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from security import audit
from security import ratelimit


class Command(BaseCommand):
    help = "删除早于指定天数的安全审计日志（至少保留180天），并清理已过期的访问频率计数。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=audit.MIN_RETENTION_DAYS,
            help="删除早于多少天的记录（不少于180，默认180）",
        )

    def handle(self, *args, older_than_days: int, **options):
        try:
            deleted = audit.prune(older_than_days=older_than_days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        audit.record(
            audit.Kind.AUDIT_PRUNE,
            username="(定时任务)",
            detail=f"删除{older_than_days}天前的记录{deleted}条",
        )
        self.stdout.write(f"已删除{older_than_days}天前的审计记录{deleted}条。")
        counts = ratelimit.prune()
        self.stdout.write(f"已清理过期的访问频率计数{counts}条。")
