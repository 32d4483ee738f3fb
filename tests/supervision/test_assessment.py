import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from reports.selectors import DepartmentFigures
from reports.selectors import DepartmentRow
from reports.selectors import Outcomes
from reports.selectors import Share
from supervision import services
from supervision.assessment import DEFAULT_WEIGHTS
from supervision.assessment import assessment_compute
from supervision.selectors import assessment_get
from tests.supervision.conftest import YEAR_END

pytestmark = pytest.mark.django_db


def by_name(data):
    return {row["department"]: row for row in data["departments"]}


def test_parts_recomputed_by_hand_for_three_departments(scenario):
    data, issued = assessment_get(2024, YEAR_END)
    assert issued is None
    rows = by_name(data)
    a, b, c = rows["区房管局"], rows["区建设管理委"], rows["区绿化市容局"]
    # A: 4 items, 3 replied, 2 on time → 30×2/3; resolved 2 of 3 → 30×2/3; rated 2 (满意,
    # 不满意) → 30×1/2; a2 followed up within three months → 10×1/1.
    assert a["items"] == 4
    assert a["parts"] == {
        "on_time": "20.0",
        "resolution": "20.0",
        "satisfaction": "15.0",
        "follow_up": "10.0",
    }
    # One item rated 不满意 (−2), one overdue (−1): 65 − 3.
    assert a["deductions"] == {"unsatisfied": 1, "overdue": 1}
    assert a["score"] == "62.0"
    # B: all 3 on time → 30; resolved 2 of 3 (b3 by re-check) → 20; 基本满意 1 of 1 → 30;
    # two items due for follow-up, one re-checked within three months → 10×1/2.
    assert b["parts"] == {
        "on_time": "30.0",
        "resolution": "20.0",
        "satisfaction": "30.0",
        "follow_up": "5.0",
    }
    assert b["deductions"] == {"unsatisfied": 0, "overdue": 0}
    assert b["score"] == "85.0"
    assert (b["rank"], a["rank"]) == (1, 2)
    # C: two items, below the minimum of three: 样本不足, not ranked.
    assert c["items"] == 2
    assert c["insufficient"] is True and c["rank"] is None
    assert not a["insufficient"] and not b["insufficient"]


def test_the_follow_up_window_not_yet_ended_counts_neither_way(scenario):
    # As of 2024-04-30, b2's window (from 2024-02-01) runs to 2024-05-01: not due yet;
    # b3 was re-checked on 2024-04-01, within it.
    data, _ = assessment_get(2024, dt.date(2024, 4, 30))
    b = by_name(data)["区建设管理委"]
    assert b["counts"]["follow_up"] == [1, 1]
    assert b["parts"]["follow_up"] == "10.0"


def _row(on_time: int, replied: int, assigned: int = 10) -> DepartmentRow:
    share = Share.of(0, replied)
    return DepartmentRow(
        department_id=1,
        name="区民政局",
        assigned=assigned,
        replied=replied,
        on_time=on_time,
        overdue=0,
        outcomes=Outcomes(resolved=share, in_progress=share, planned=share, for_reference=share),
        resolution_rate=None,
        rated=0,
        satisfaction_rate=None,
        content=0,
    )


def test_score_is_rounded_half_up_from_the_exact_sum():
    # on time 3 of 40 → 30×3/40 = 2.25; resolution 0 of 40 → 0; no ratings and nothing due
    # for follow-up → the whole weights 30 and 10: 42.25, which is 42.3 half up (42.2
    # with banker's rounding).
    figures = DepartmentFigures(
        year=2024, as_of=YEAR_END, departments=(_row(3, 40),), unsatisfied=(), follow_ups=()
    )
    data = assessment_compute(figures, dict(DEFAULT_WEIGHTS))
    row = data["departments"][0]
    assert row["parts"]["on_time"] == "2.3"  # 2.25 half up
    assert row["score"] == "42.3"
    assert row["rates"]["satisfaction"] is None


def test_equal_scores_share_a_rank():
    figures = DepartmentFigures(
        year=2024,
        as_of=YEAR_END,
        departments=(_row(3, 3), _row(3, 3), _row(1, 3)),
        unsatisfied=(),
        follow_ups=(),
    )
    ranks = [r["rank"] for r in assessment_compute(figures, dict(DEFAULT_WEIGHTS))["departments"]]
    assert ranks == [1, 1, 3]


def test_weights_changed_later_leave_the_issued_assessment_unchanged(scenario, office, supervisor):
    issued = services.assessment_issue(year=2024, as_of=YEAR_END, actor=supervisor)
    before = by_name(issued.data)["区房管局"]["score"]
    heavier = dict(DEFAULT_WEIGHTS) | {"overdue_deduction": Decimal(10)}
    services.weights_save(year=2025, values=heavier, actor=office)
    services.weights_save(year=2024, values=heavier, actor=office)
    data, frozen = assessment_get(2024, YEAR_END)
    assert frozen == issued
    assert by_name(data)["区房管局"]["score"] == before == "62.0"
    assert data["weights"]["overdue_deduction"] == "1"
    # Not issued for another date: computed with the new weights (−10 per overdue item).
    fresh, _ = assessment_get(2024, dt.date(2024, 12, 30))
    assert by_name(fresh)["区房管局"]["score"] == "53.0"


def test_weights_keep_their_history_and_only_the_office_edits(office, supervisor):
    from django.core.exceptions import ValidationError

    services.weights_save(year=2025, values=dict(DEFAULT_WEIGHTS), actor=office)
    w = services.weights_save(
        year=2025, values=dict(DEFAULT_WEIGHTS) | {"follow_up": "12.5"}, actor=office
    )
    assert w.history.count() == 2
    with pytest.raises(ValidationError, match="办公室"):
        services.weights_save(year=2025, values=dict(DEFAULT_WEIGHTS), actor=supervisor)
    with pytest.raises(ValidationError, match="一位小数"):
        services.weights_save(
            year=2025, values=dict(DEFAULT_WEIGHTS) | {"on_time": "1.25"}, actor=office
        )
    with pytest.raises(ValidationError, match="修改"):
        services.weights_save(
            year=2025, values=dict(DEFAULT_WEIGHTS), actor=office, expected_version=1
        )


def test_command_json_and_xlsx(scenario, tmp_path):
    out = io.StringIO()
    call_command("assessment", year=2024, as_of=YEAR_END, format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["year"] == 2024 and data["as_of"] == "2024-12-31"
    row = next(r for r in data["departments"] if r["department"] == "区房管局")
    assert set(row) == {
        "department",
        "items",
        "parts",
        "deductions",
        "score",
        "rank",
        "insufficient",
    }
    assert row["score"] == "62.0" and row["rank"] == 2
    path = tmp_path / "a.xlsx"
    call_command(
        "assessment",
        "--year",
        "2024",
        "--as-of",
        "2024-12-31",
        "--format",
        "xlsx",
        "--output",
        str(path),
    )
    ws = openpyxl.load_workbook(path).active
    assert "2024年度承办单位办理工作考核" in ws["A1"].value
    cells = {ws.cell(r, 2).value: [c.value for c in ws[r]] for r in range(4, ws.max_row + 1)}
    assert cells["区建设管理委"][0] == "1"
    assert cells["区房管局"][-2] == 62.0
    assert cells["区绿化市容局"][-1] == "样本不足"
