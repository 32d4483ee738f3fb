"""Charts drawn on the server as inline SVG: no script, no internet, and they print."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe

PALETTE = ["#1a7f37", "#0b5cad", "#b26b00", "#6e7781", "#a8161b", "#8250df"]
LABEL_CHAR = 14  # the width a CJK character takes in the charts' 13 px text, with room


def bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    title: str,
    width: int = 560,
    bar_height: int = 26,
    suffix: str = "件",
    shares: Sequence[Decimal | None] | None = None,
) -> SafeString:
    """Horizontal bars with the label on the left and the value (and share) on the right."""
    top = max((value for _, value in items), default=0) or 1
    # The labels' column fits the longest (a department's full name, 13 px a character),
    # the bars keep their length, and the chart grows wider instead of cutting a label.
    label_width = max(110, LABEL_CHAR * max((len(label) for label, _ in items), default=0) + 12)
    value_width = 110
    plot = width - 220
    width = label_width + plot + value_width
    height = len(items) * (bar_height + 10) + 10
    rows = []
    for index, (label, value) in enumerate(items):
        y = 10 + index * (bar_height + 10)
        length = round(plot * value / top) if value else 0
        share = ""
        if shares is not None and shares[index] is not None:
            share = f"（{shares[index]}%）"
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                "<title>{}：{}{}</title></rect>"
                '<text x="{}" y="{}" class="value">{}{}{}</text>',
                label_width - 8,
                y + bar_height * 0.7,
                label,
                label_width,
                y,
                length,
                bar_height,
                PALETTE[index % len(PALETTE)],
                label,
                value,
                suffix,
                label_width + length + 6,
                y + bar_height * 0.7,
                value,
                suffix,
                share,
            )
        )
    return _framed_svg(title, width, height, mark_safe("".join(rows)))


def _framed_svg(title: str, width: float, height: float, body: SafeString) -> SafeString:
    """The chart in a frame that scrolls sideways on a narrow screen, where the chart keeps
    a readable width (app.css) instead of shrinking its text to 7 px."""
    return format_html(
        '<div class="chart-frame"><svg class="chart" role="img" aria-label="{}" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg></div>',
        title,
        width,
        height,
        title,
        body,
    )


def column_chart(
    items: Sequence[tuple[str, int]], *, title: str, width: int = 560, height: int = 220
) -> SafeString:
    """Vertical columns, e.g. replies per month, with every value written above its column."""
    top = max((value for _, value in items), default=0) or 1
    count = max(len(items), 1)
    slot = (width - 20) / count
    plot = height - 50
    columns = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#0b5cad"><title>{}：{}件</title></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>',
        (
            (
                round(10 + i * slot + slot * 0.15, 1),
                round(20 + plot - plot * value / top, 1),
                round(slot * 0.7, 1),
                round(plot * value / top, 1),
                label,
                value,
                round(10 + i * slot + slot / 2, 1),
                round(16 + plot - plot * value / top, 1),
                value,
                round(10 + i * slot + slot / 2, 1),
                height - 10,
                label,
            )
            for i, (label, value) in enumerate(items)
        ),
    )
    return _framed_svg(title, width, height, columns)
