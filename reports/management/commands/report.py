"""python manage.py report --quarter 2023Q3 --format json [--output FILE] (DESIGN §7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser
from django.db.models import Q
from django.utils import timezone

from departments.models import Department
from reports.renderers import PLANNED_FORMATS
from reports.renderers import RENDERERS
from reports.selectors import Scope
from reports.selectors import previous_quarter_end
from reports.selectors import quarter_bounds
from reports.selectors import report_compute
from suggestions.models import Kind
from suggestions.models import Source


class Command(BaseCommand):
    help = "生成代表建议办理情况统计报告（按季度或截至某日）。"

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--quarter", help="季度，如 2023Q3：截至季末，并与上季末比较。")
        when.add_argument("--as-of", dest="as_of", help="截至日期，如 2023-09-30；默认今天。")
        parser.add_argument("--year", type=int, help="建议年度；默认为截至日期所在年度。")
        parser.add_argument(
            "--kind", default=Kind.SUGGESTION.value, choices=Kind.values, help="类别。"
        )
        parser.add_argument("--source", choices=Source.values, help="提出时间（大会/闭会期间）。")
        parser.add_argument("--department", help="主办单位名称或简称。")
        parser.add_argument(
            "--format",
            default="json",
            choices=[*RENDERERS, *PLANNED_FORMATS],
            help="输出格式。",
        )
        parser.add_argument("--output", help="输出文件；省略时写到标准输出。")

    def handle(self, *args, **options) -> None:
        as_of, previous_as_of = self._dates(options["quarter"], options["as_of"])
        scope = Scope(
            year=options["year"] or as_of.year,
            kind=options["kind"],
            source=options["source"],
            department=self._department(options["department"]),
        )
        renderer = RENDERERS.get(options["format"])
        if renderer is None:
            raise CommandError(
                f"暂不支持 {options['format']} 格式，目前可用：{'、'.join(RENDERERS)}。"
            )
        if renderer.binary and not options["output"]:
            raise CommandError(f"{options['format']} 格式须用 --output 指定输出文件。")

        report = report_compute(scope=scope, as_of=as_of, previous_as_of=previous_as_of)
        content = renderer.render(report)
        if options["output"]:
            path = Path(options["output"])
            path.write_bytes(content)
            self.stdout.write(f"报告已写入 {path}")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")

    def _dates(self, quarter: str | None, as_of: str | None) -> tuple[dt.date, dt.date]:
        if quarter:
            try:
                return quarter_bounds(quarter)
            except ValueError as error:
                raise CommandError(str(error)) from error
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as error:
                raise CommandError(f"日期格式应为 2023-09-30，收到“{as_of}”。") from error
        else:
            day = timezone.localdate()
        return day, previous_quarter_end(day)

    def _department(self, name: str | None) -> int | None:
        if not name:
            return None
        matches = list(
            Department.objects.filter(Q(name=name) | Q(short_name=name)).values_list(
                "pk", flat=True
            )
        )
        if len(matches) != 1:
            raise CommandError(
                f"未找到承办单位“{name}”。" if not matches else f"“{name}”对应多个承办单位。"
            )
        return matches[0]
