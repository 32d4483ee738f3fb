"""Renderings of a computed Report. The command, the API and the pages share them.

`RENDERERS` maps a format name to its renderer; adding Excel or Word output is adding an
entry (a function from Report to bytes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reports.exports.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE
from reports.exports.docx import render_docx
from reports.exports.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from reports.exports.xlsx import render_xlsx
from reports.narrative import narrative_overall
from reports.selectors import Report
from reports.selectors import Share


def _percent(value: Decimal | None) -> str | None:
    # Strings keep the one decimal exactly ("82.3", "100.0"); null where no denominator.
    return None if value is None else str(value)


def _share(share: Share) -> dict[str, Any]:
    return {"count": share.count, "percent": _percent(share.percent)}


def report_to_dict(report: Report) -> dict[str, Any]:
    """The interchange structure of DESIGN §7."""
    r, c = report.recess, report.community
    return {
        "as_of": report.as_of.isoformat(),
        "previous_as_of": report.previous_as_of.isoformat() if report.previous_as_of else None,
        "suggestions": {
            "assigned": report.assigned,
            "replied": report.replied,
            "on_time": report.on_time,
            "pending": report.pending,
            "overdue": report.overdue,
            "outcomes": {
                outcome.value: _share(share) for outcome, share in report.outcomes.items()
            },
            "resolution_rate": _percent(report.resolution_rate),
            "previous_resolution_rate": _percent(report.previous_resolution_rate),
            "change": _percent(report.change),
            "recess": {
                "assigned": r.assigned,
                "replied": r.replied,
                "resolved": r.resolved,
                "pending": r.pending,
            },
            "upgraded": len(report.upgraded),
        },
        "community_opinions": {
            "assigned": c.assigned,
            "departments": c.departments,
            "replied": c.replied,
            "resolved_or_in_progress": _share(c.resolved_or_in_progress),
        },
        "narrative": narrative_overall(report),
    }


def render_json(report: Report) -> bytes:
    text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


@dataclass(frozen=True)
class Renderer:
    render: Callable[[Report], bytes]
    extension: str
    content_type: str
    binary: bool  # binary output needs a file; text can go to standard output
    label: str = ""  # the download button: 下载Excel, 下载Word, 下载数据（JSON）


RENDERERS: dict[str, Renderer] = {
    "json": Renderer(
        render=render_json,
        extension="json",
        label="下载数据（JSON）",
        content_type="application/json; charset=utf-8",
        binary=False,
    ),
    "xlsx": Renderer(
        render=render_xlsx,
        extension="xlsx",
        label="下载Excel",
        content_type=XLSX_CONTENT_TYPE,
        binary=True,
    ),
    "docx": Renderer(
        render=render_docx,
        extension="docx",
        label="下载Word",
        content_type=DOCX_CONTENT_TYPE,
        binary=True,
    ),
}
# Formats the interface names (DESIGN §7) whose renderers are still to come.
PLANNED_FORMATS: tuple[str, ...] = ()
