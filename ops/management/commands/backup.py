from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from ops.backup import BackupError
from ops.backup import create_backup
from ops.backup import media_file_count


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个新目录，附带 SHA-256 清单（manifest.json）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            type=Path,
            help="备份目录：不得存在或必须为空。",
        )

    def handle(self, *args, output: Path, **options):
        try:
            manifest = create_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = media_file_count(manifest)
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{Path(output).absolute()}（{manifest['database']['vendor']} 数据库，"
                f"{media} 个上传文件，清单 manifest.json）。"
            )
        )
