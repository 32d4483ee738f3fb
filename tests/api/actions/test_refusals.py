"""Refusals of every stage through the API: 400 with the reason in Chinese, nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.actions.helpers import act
from tests.api.actions.helpers import snapshot

REFUSALS = [
    # (stage, role, action, body, code, detail — exact, or the start when it ends with "…")
    (
        "in_progress",
        "office",
        "feedback",
        {"satisfaction": "satisfied"},
        "state",
        "该建议当前状态为“办理中”，不能登记代表反馈（仅限“已答复”状态）。",
    ),
    (
        "in_progress",
        "lead",
        "reply",
        {"outcome": "resolved", "text": "已解决。"},
        "co_opinion",
        "会办单位区建设管理委尚未提交会办意见…",
    ),
    (
        "in_progress",
        "office",
        "close",
        {"reason": "no_feedback"},
        "state",
        "该建议当前状态为“办理中”，不能办结…",
    ),
    (
        "draft",
        "office",
        "follow_up",
        {"kind": "visit", "findings": "x"},
        "state",
        "建议尚未交办，不能登记跟踪记录。",
    ),
    (
        "draft",
        "supervisor",
        "key_supervision",
        {"key_supervision": True},
        "state",
        "建议尚未交办，不能设为重点督办。",
    ),
    (
        "replied",
        "lead",
        "reply",
        {"outcome": "resolved", "text": "x"},
        "state",
        "该建议当前状态为“已答复”，不能答复代表…",
    ),
    (
        "replied",
        "co",
        "co_opinion",
        {"opinion": "x"},
        "state",
        "该建议当前状态为“已答复”，不能提交会办意见…",
    ),
    ("in_progress", "lead", "acknowledge", {}, "state", "区房管局已于…"),
    (
        "pending",
        "lead",
        "return_request",
        {"reason": "x"},
        "state",
        "已有一份退办申请正在审批，请等待区政府办公室处理。",
    ),
    (
        "replied",
        "office",
        "feedback",
        {"satisfaction": "unsatisfied"},
        "comment",
        "代表不满意时，请记录代表的具体意见，以便承办单位重新办理。",
    ),
    (
        "replied",
        "supervisor",
        "follow_up",
        {"kind": "supervision", "findings": "x", "new_outcome": "resolved"},
        "outcome",
        "只有跟踪复查可以变更办理结果。",
    ),
    (
        "replied",
        "supervisor",
        "follow_up",
        {"kind": "recheck", "findings": "x", "new_outcome": "planned"},
        "outcome",
        "办理结果已是“计划解决”，无需变更。",
    ),
]


@pytest.mark.parametrize(("stage", "role", "name", "body", "code", "detail"), REFUSALS)
def test_a_refused_action_is_400_in_chinese_and_changes_nothing(
    clients, stages, stage, role, name, body, code, detail
):
    s = stages.build(stage)
    before = snapshot(s)
    got = act(clients[role], s.pk, name, {"version": s.version, **body}, status=400)
    assert got["code"] == code
    if detail.endswith("…"):
        assert got["detail"].startswith(detail[:-1]), got["detail"]
    else:
        assert got["detail"] == detail
    assert snapshot(s) == before


@pytest.mark.parametrize(
    ("name", "role", "field", "what"),
    [
        ("assign", "office", "assigned_on", "交办日期"),
        ("feedback", "office", "received_on", "反馈日期"),
        ("follow_up", "supervisor", "happened_on", "跟踪日期"),
    ],
)
def test_a_date_in_the_future_is_refused(clients, stages, lead_department, name, role, field, what):
    s = stages.draft() if name == "assign" else stages.replied()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    body = {
        "version": s.version,
        "lead": lead_department.pk,
        "satisfaction": "satisfied",
        "kind": "supervision",
        "findings": "x",
        field: str(tomorrow),
    }
    before = snapshot(s)
    got = act(clients[role], s.pk, name, body, status=400)
    assert got["detail"] == f"{what}不能晚于今天（{timezone.localdate():%Y-%m-%d}）。"
    assert snapshot(s) == before
