"""python manage.py assessment --year Y --as-of D --format json|xlsx [--output F]"""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError

from supervision.exports import assessment_xlsx
from supervision.selectors import assessment_get


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，收到“{value}”。") from None


def public_json(data: dict) -> dict:
    """The command's JSON: the assessment without the page's helper fields."""
    keys = ("department", "items", "parts", "deductions", "score", "rank", "insufficient")
    return {
        "year": data["year"],
        "as_of": data["as_of"],
        "weights": data["weights"],
        "departments": [{k: row[k] for k in keys} for row in data["departments"]],
    }


class Command(BaseCommand):
    help = "承办单位考核（DESIGN §12）：输出JSON或Excel；已发布的考核输出发布时的结果。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", type=_date, required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="输出文件；省略则写到标准输出")

    def handle(self, *args, year, as_of, format, output, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("年度不正确。")
        data, _ = assessment_get(year, as_of)
        if format == "json":
            content = json.dumps(public_json(data), ensure_ascii=False, indent=2).encode()
        else:
            content = assessment_xlsx(data)
        if output:
            with open(output, "wb") as f:
                f.write(content)
        elif format == "xlsx":
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content.decode())
