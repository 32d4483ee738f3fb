from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.utils import timezone

from departments.models import Role
from suggestions.demo import data
from suggestions.demo.scenario import load_demo


class Command(BaseCommand):
    help = "载入静安区2023年演示数据（可重复执行；DEBUG 关闭时须加 --force）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭（生产环境）时仍然载入演示数据。",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭，这可能是生产环境：演示数据和演示账号不会载入。确需载入请加 --force。"
            )
        created = load_demo(today=timezone.localdate())
        if created:
            self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
        else:
            self.stdout.write("演示数据已存在，未做任何修改。")
        self.stdout.write(f"演示账号（密码均为 {data.DEMO_PASSWORD}）：")
        for username, last, first, role, dept in data.DEMO_USERS:
            label = dept or Role(role).label
            self.stdout.write(f"  {username:<11} {label} {last}{first}")
        self.stdout.write("  daibiao     人大代表（代表服务 /deputy/：查看答复函并评价）")
        self.stdout.write("  admin       超级管理员（仅限应急，/admin/，每次使用均记入审计）")
