from django.core.management.base import BaseCommand

from similar.index import rebuild


class Command(BaseCommand):
    help = "重建相似建议索引（中文分词）。"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="清空后重新计算全部建议")

    def handle(self, *args, **options):
        if not options["rebuild"]:
            self.stderr.write("请加 --rebuild 确认重建。")
            return
        done = rebuild()
        self.stdout.write(f"已索引{done}件建议。")
