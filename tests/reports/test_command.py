"""python manage.py report (DESIGN §7)."""

import io
import json

import pytest
from django.core.management import CommandError
from django.core.management import call_command

from tests.reports.test_selectors import REFERENCE_NARRATIVE


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_json_to_stdout_and_to_a_file(demo, tmp_path):
    printed = json.loads(run("--quarter", "2023Q3", "--format", "json"))
    assert printed["as_of"] == "2023-09-30" and printed["previous_as_of"] == "2023-06-30"
    assert printed["suggestions"]["resolution_rate"] == "82.3"
    assert printed["suggestions"]["change"] == "4.2"
    assert printed["community_opinions"]["resolved_or_in_progress"] == {
        "count": 65,
        "percent": "72.2",
    }
    assert printed["narrative"] == REFERENCE_NARRATIVE

    target = tmp_path / "2023Q3.json"
    message = run("--quarter", "2023Q3", "--output", str(target))
    assert str(target) in message
    raw = target.read_text(encoding="utf-8")
    assert "区政府承办" in raw  # ensure_ascii=False: readable Chinese, not \u escapes
    assert json.loads(raw) == printed

    # The same date given as --as-of; a department by name; the recess items only.
    assert json.loads(run("--as-of", "2023-09-30")) == printed
    fangguan = json.loads(run("--quarter", "2023Q3", "--department", "区房管局"))
    assert 0 < fangguan["suggestions"]["assigned"] < 176
    assert fangguan["narrative"].startswith("截至2023年9月30日，由区房管局承办的")
    recess = json.loads(run("--quarter", "2023Q3", "--source", "recess"))
    assert recess["suggestions"]["assigned"] == 7
    community = json.loads(run("--quarter", "2023Q3", "--kind", "community_opinion"))
    assert community["suggestions"]["assigned"] == 90


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2023Q5"], "季度格式应为 2023Q3"),
        (["--quarter", "Q3-2023"], "季度格式应为 2023Q3"),
        (["--as-of", "2023/09/30"], "日期格式应为 2023-09-30"),
        (["--quarter", "2023Q3", "--department", "不存在的局"], "未找到承办单位"),
        (["--quarter", "2023Q3", "--format", "xlsx"], "须用 --output"),
        (["--quarter", "2023Q3", "--format", "docx"], "须用 --output"),
    ],
)
def test_refusals(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
