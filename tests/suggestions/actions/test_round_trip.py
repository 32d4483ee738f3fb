"""Browser round trip of every action: open the form, fill in only what is required, submit
what the page holds. The defaults the page renders (dates, the version, the contact person)
must be accepted as they are.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from suggestions.models import Status
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import browser_data
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import iso

ROUND_TRIPS = {
    # name: (stage, actor, fields the user fills in, status after)
    "update": ("draft", "office", {"title": "关于增设社区食堂的建议"}, Status.DRAFT),
    "assign": ("draft", "office", {"lead": "LEAD"}, Status.ASSIGNED),
    "reassign": ("in_progress", "office", {"lead": "OTHER"}, Status.ASSIGNED),
    "acknowledge": ("assigned", "lead", {}, Status.IN_PROGRESS),
    "co_opinion": ("in_progress", "co", {"opinion": "同意。"}, Status.IN_PROGRESS),
    "reply": ("ready", "lead", {"outcome": "resolved", "text": "已完成。"}, Status.REPLIED),
    "return_request": ("in_progress", "lead", {"reason": "不属于本单位。"}, Status.IN_PROGRESS),
    "extension_request": (
        "in_progress",
        "lead",
        {"requested_due_on": "DUE+20", "reason": "需要协调。"},
        Status.IN_PROGRESS,
    ),
    "feedback": ("replied", "office", {"satisfaction": "basically_satisfied"}, Status.CLOSED),
    "follow_up": ("replied", "supervisor", {"findings": "已落实。"}, Status.REPLIED),
    "key_supervision": ("in_progress", "supervisor", {"key_supervision": "true"}, None),
    "close": ("replied", "office", {"reason": "no_feedback"}, Status.CLOSED),
}


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_browser_round_trip(client, users, stages, other_department, name):
    stage, role, fills, status = ROUND_TRIPS[name]
    s = getattr(stages, stage)()
    client.force_login(users[role])
    data = browser_data(client.get(action_url(s, name)).content.decode())
    for field, value in fills.items():
        if value == "LEAD":
            value = str(stages.lead_department.pk)
        elif value == "OTHER":
            value = str(other_department.pk)
        elif value == "DUE+20":
            value = iso(s.due_on + dt.timedelta(days=20))
        data[field] = [value]
    response = client.post(action_url(s, name), data)
    assert response.status_code == 302, re.findall(
        r'role="alert">(.*?)<', response.content.decode()
    )
    after = fresh(s)
    assert after.version == s.version + 1
    if status:
        assert after.status == status


@pytest.fixture
def users(office, supervisor, lead_handler, co_handler):
    return {"office": office, "supervisor": supervisor, "lead": lead_handler, "co": co_handler}
