from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from ops.backup import BackupError
from ops.backup import media_file_count
from ops.backup import pending_migrations
from ops.backup import restore_backup


class Command(BaseCommand):
    help = (
        "从 backup 命令生成的目录恢复数据库和上传文件：先按清单校验每个文件，"
        "只恢复到空数据库和空的 MEDIA_ROOT。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="backup 命令生成的备份目录。")

    def handle(self, *args, directory: Path, **options):
        try:
            manifest = restore_backup(Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = media_file_count(manifest)
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{Path(directory).absolute()}（备份时间 {manifest['created_at']}，"
                f"{media} 个上传文件）。"
            )
        )
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"备份早于当前代码，还有 {len(pending)} 个迁移未执行：请运行 "
                    "python manage.py migrate。"
                )
            )
