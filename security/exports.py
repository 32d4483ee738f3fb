"""The audit log as an Excel workbook (XlsxWriter, constant memory: the log grows large)."""

from __future__ import annotations

from typing import IO

from django.utils import timezone

from config.xlsx import safe_workbook
from config.xlsx import written_file
from security.models import AuditEvent

COLUMNS = [
    ("时间", 20),
    ("事件", 16),
    ("结果", 8),
    ("用户名", 14),
    ("地址", 16),
    ("客户端", 30),
    ("对象", 30),
    ("说明", 50),
]


def write_audit_workbook(events, out: IO[bytes]) -> int:
    wb = safe_workbook(out)
    ws = wb.add_worksheet("安全审计日志")
    bold = wb.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for index, (title, width) in enumerate(COLUMNS):
        ws.set_column(index, index, width)
        ws.write_string(0, index, title, bold)
    ws.freeze_panes(1, 0)
    kinds, outcomes = dict(AuditEvent.Kind.choices), dict(AuditEvent.Outcome.choices)
    count = 0
    fields = ("occurred_at", "kind", "outcome", "username", "address", "user_agent")
    rows = events.order_by("occurred_at", "id").values_list(*fields, "object_repr", "detail")
    for count, row in enumerate(rows.iterator(chunk_size=2000), 1):
        at, kind, outcome, *texts = row
        ws.write_datetime(count, 0, timezone.localtime(at).replace(tzinfo=None), when)
        ws.write_string(count, 1, kinds.get(kind, kind))
        ws.write_string(count, 2, outcomes.get(outcome, outcome))
        for index, value in enumerate(texts, 3):
            if value:
                ws.write_string(count, index, str(value))
    ws.autofilter(0, 0, count, len(COLUMNS) - 1)
    wb.close()
    return count


def audit_workbook_file(events) -> IO[bytes]:
    """The workbook in a rewound temporary file (the response closes and so deletes it)."""
    return written_file(lambda out: write_audit_workbook(events, out))[0]
