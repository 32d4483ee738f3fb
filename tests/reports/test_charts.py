"""The server-drawn charts: no label is cut at the left edge, and each chart sits in a frame
that scrolls sideways on a phone."""

import re

from reports.charts import bar_chart
from reports.charts import column_chart

FONT_PX = 13  # app.css: svg.chart text


def test_a_long_department_name_fits_left_of_its_bar():
    names = ["区房管局", "区人力资源社会保障局"]
    svg = bar_chart([(name, n) for name, n in zip(names, (5, 3), strict=True)], title="考核得分")
    label = r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end"'
    anchors = [float(x) for x in re.findall(label, svg)]
    # Each label ends at its anchor: the longest needs its characters' width left of it.
    assert len(anchors) == 2 and min(anchors) >= FONT_PX * len(names[1])
    bars = [float(x) for x in re.findall(r'<rect x="([\d.]+)"', svg)]
    assert all(x > anchor for x, anchor in zip(bars, anchors, strict=True))


def test_short_labels_keep_the_usual_width():
    svg = bar_chart([("已经解决", 5)], title="办理结果分布")
    assert 'viewBox="0 0 560 ' in svg


def test_every_chart_is_framed_to_scroll_on_a_phone():
    for svg in (bar_chart([("a", 1)], title="t"), column_chart([("1月", 2)], title="t")):
        assert svg.startswith('<div class="chart-frame"><svg class="chart"')
        assert svg.endswith("</svg></div>")
