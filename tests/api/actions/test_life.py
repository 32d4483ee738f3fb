"""A whole life of an item, through the API only: register, assign, co opinion, acknowledge,
reply with a letter, 不满意, second reply, 满意, re-check."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from suggestions.deadlines import add_months
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from tests.api.actions.helpers import act
from tests.api.actions.helpers import letter
from tests.api.conftest import API
from tests.api.conftest import item_url
from tests.conftest import PDF
from tests.factories import DeputyFactory


def test_a_whole_life_through_the_api(clients, lead_department, co_department):
    office, lead, co, supervisor = (
        clients["office"],
        clients["lead"],
        clients["co"],
        clients["supervisor"],
    )
    today = timezone.localdate()
    deputy, cosigner = DeputyFactory(), DeputyFactory()

    # 登记
    response = office.post(
        f"{API}/suggestions/",
        {
            "kind": "suggestion",
            "source": "recess",
            "title": "关于增设公交站点的建议",
            "content": "建议在某路口增设公交站点。",
            "topic": "transport",
            "lead_deputy": deputy.pk,
            "co_signers": [cosigner.pk],
            "received_on": str(today),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    item = response.json()
    pk = item["id"]
    assert (item["status"], item["version"], item["year"]) == ("draft", 1, today.year)
    assert [d["id"] for d in item["co_signers"]] == [cosigner.pk]
    assert item["code"].startswith(f"{today.year}建")
    # A handler does not see a draft.
    assert lead.get(item_url(pk)).status_code == 404

    # 交办: 区房管局 leads, 区建设管理委 gives its opinion
    item = act(
        office,
        pk,
        "assign",
        {"version": 1, "lead": lead_department.pk, "co_departments": [co_department.pk]},
    )
    assert (item["status"], item["version"]) == ("assigned", 2)
    assert item["lead_department"] == "区房管局"
    assert item["assigned_on"] == str(today)
    assert item["reply_due_on"] == item["due_on"] == str(add_months(today, 3))
    roles = {a["department"]["name"]: a["role"] for a in item["assignments"] if a["is_active"]}
    assert roles == {"区房管局": "lead", "区建设管理委": "co"}

    # 会办意见 (counts as the co department signing for it)
    item = act(co, pk, "co_opinion", {"version": 2, "opinion": "同意主办单位意见。"})
    assert (item["status"], item["version"]) == ("assigned", 3)
    co_row = next(a for a in item["assignments"] if a["role"] == "co")
    assert co_row["opinion"] == "同意主办单位意见。"
    assert co_row["acknowledged_at"] is not None

    # 签收
    item = act(lead, pk, "acknowledge", {"version": 3})
    assert (item["status"], item["version"]) == ("in_progress", 4)

    # 答复, with the letter
    item = act(
        lead,
        pk,
        "reply",
        {
            "version": 4,
            "outcome": "planned",
            "text": "已列入明年计划。",
            "promised_on": str(today + dt.timedelta(days=300)),
            "letter": letter(),
            "contact_person": "张三",
            "contact_phone": "021-12345678",
        },
    )
    assert (item["status"], item["version"], item["outcome"]) == ("replied", 5, "planned")
    assert item["first_replied_on"] == str(today)
    assert item["promised_on"] == str(today + dt.timedelta(days=300))
    assert item["due_on"] is None
    [reply] = item["replies"]
    assert (reply["round"], reply["has_letter"], reply["letter_name"]) == (1, True, "dafuhan.pdf")
    assert reply["department"]["name"] == "区房管局"
    stored = Reply.objects.get(pk=reply["id"])
    with stored.letter.open("rb") as f:
        assert f.read() == PDF

    # 代表不满意: a second round
    item = act(
        office,
        pk,
        "feedback",
        {"version": 5, "satisfaction": "unsatisfied", "comment": "希望加快进度。"},
    )
    assert (item["status"], item["version"], item["satisfaction"]) == ("rework", 6, "unsatisfied")
    assert item["due_on"] is not None

    item = act(
        lead,
        pk,
        "reply",
        {"version": 6, "outcome": "resolved", "text": "站点已建成。"},
    )
    assert (item["status"], item["version"], item["outcome"]) == ("replied", 7, "resolved")
    assert sorted((r["round"], r["has_letter"]) for r in item["replies"]) == [
        (1, True),
        (2, False),
    ]
    assert item["first_replied_on"] == str(today)

    # 代表满意: closed
    item = act(office, pk, "feedback", {"version": 7, "satisfaction": "satisfied"})
    assert (item["status"], item["version"], item["satisfaction"]) == ("closed", 8, "satisfied")
    assert len(item["feedbacks"]) == 2

    # 跟踪复查 by the supervisor changes the outcome, with evidence
    item = act(
        supervisor,
        pk,
        "follow_up",
        {
            "version": 8,
            "kind": "recheck",
            "findings": "站点尚未投入使用。",
            "consistent_with_reply": False,
            "new_outcome": "in_progress",
        },
    )
    assert (item["status"], item["version"], item["outcome"]) == ("closed", 9, "in_progress")
    [follow_up] = item["follow_ups"]
    assert (follow_up["kind"], follow_up["consistent_with_reply"]) == ("recheck", False)
    change = OutcomeChange.objects.get(follow_up_id=follow_up["id"])
    assert (change.from_outcome, change.to_outcome) == ("resolved", "in_progress")

    # The timeline tells the whole story, newest first.
    actions = [e["action"] for e in item["events"]]
    assert actions == [
        "recheck",
        "feedback",
        "reply",
        "feedback",
        "reply",
        "acknowledge",
        "co_opinion",
        "assign",
        "create",
    ]
    # Everyone who held it still sees it; the list shows it once.
    for client in (lead, co, supervisor):
        assert client.get(item_url(pk)).json()["version"] == 9
    assert [r["id"] for r in office.get(f"{API}/suggestions/").json()["results"]] == [pk]
