"""python manage.py import_suggestions FILE.xlsx [--dry-run] [--update] [--user NAME]

The same reader and checks as the import page. Any problem: every one is printed with its
row and column, nothing is imported, and the command exits with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from departments import roles
from departments.models import Role
from departments.models import User
from security import audit
from suggestions import imports


class Command(BaseCommand):
    help = "从Excel文件（.xlsx）导入代表建议：逐行检查，全部无误才导入，否则一件也不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="按导入模板填写的.xlsx文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
        parser.add_argument(
            "--update",
            action="store_true",
            help="年度、类别、编号已登记且尚未交办的建议，按文件内容修改",
        )
        parser.add_argument(
            "--user",
            help="以该区政府办公室工作人员的名义登记（用户名）；默认取第一位在用的办公室人员",
        )

    def handle(self, *args, file, dry_run, update, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        size = path.stat().st_size
        if size > imports.MAX_FILE_BYTES:
            raise CommandError(f"{imports.file_too_big(size)}，请分成多个文件导入。")
        actor = None if dry_run else self._actor(user)
        try:
            report = imports.import_file(
                path.read_bytes(),
                actor=actor,
                filename=path.name,
                update=update,
                dry_run=dry_run,
            )
        except imports.ImportFileError as problem:
            raise CommandError(problem.message) from problem
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现{len(report.errors)}处错误，未导入任何数据。")
        if dry_run:
            self.stdout.write(
                f"检查通过：共{report.data_rows}行，{report.summary()}。（--dry-run，未导入）"
            )
        else:
            audit.record(
                audit.Kind.IMPORT,
                user=actor,
                obj=path.name,
                detail=f"命令行导入：{report.summary()}"[:900],
            )
            self.stdout.write(self.style.SUCCESS(f"已导入：{report.summary()}。"))

    def _actor(self, username: str | None) -> User:
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"没有用户名为“{username}”的用户。")
            if not roles.may_import(actor):
                raise CommandError(f"用户“{username}”不是区政府办公室工作人员，不能登记建议。")
            return actor
        actor = User.objects.filter(groups__name=Role.OFFICE, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("系统中没有在用的区政府办公室工作人员账号，请用 --user 指定。")
        self.stdout.write(f"以“{actor}”（{actor.username}）的名义登记。")
        return actor
