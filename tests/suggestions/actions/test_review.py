"""Reply review and countersign through the pages and the API (DESIGN §11): the buttons
follow the switches, the draft and its countersigns show on the item, each step posts."""

from __future__ import annotations

from suggestions.models import HandlingPolicy
from suggestions.models import Outcome
from suggestions.models import Reply
from suggestions.models import ReplyDraft
from suggestions.models import Status
from tests.api.conftest import item_url
from tests.api.conftest import token_client
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import detail_url
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import iso
from tests.suggestions.actions.helpers import submit
from tests.suggestions.actions.helpers import today

DRAFT_FORM = {"outcome": Outcome.RESOLVED, "text": "已完成道路修缮。", "replied_on": ""}


def page(client, user, s) -> str:
    client.force_login(user)
    return client.get(detail_url(s)).content.decode()


def test_with_both_switches_off_the_lead_sees_only_the_direct_reply(client, lead_handler, stages):
    s = stages.ready()
    html = page(client, lead_handler, s)
    assert action_url(s, "reply") in html
    assert action_url(s, "reply_draft") not in html
    client.force_login(lead_handler)
    refused = client.get(action_url(s, "reply_draft"))
    assert "本件建议无需会签或审核，请直接答复代表。" in refused.content.decode()


def test_countersign_then_review_through_the_pages(
    client, office, lead_handler, co_handler, co_department, stages
):
    HandlingPolicy.objects.create(reply_review=True, countersign=True)
    s = stages.ready()
    html = page(client, lead_handler, s)
    assert action_url(s, "reply") not in html
    s = submit(
        client,
        lead_handler,
        s,
        "reply_draft",
        {**DRAFT_FORM, "replied_on": iso(today())},
        "答复稿已提交。",
    )
    html = page(client, office, s)
    assert "答复稿（会签中）" in html and f"{co_department}会签：待会签" in html
    assert action_url(s, "reply_review") not in html
    s = submit(
        client,
        co_handler,
        s,
        "countersign",
        {"decision": "agree", "opinion": ""},
        "会签意见已送主办单位。",
    )
    assert f"{co_department}会签：<strong>同意</strong>" in page(client, lead_handler, s)
    s = submit(client, lead_handler, s, "countersigned_submit", {}, "答复已提交。")
    html = page(client, office, s)
    assert "答复稿（待审核）" in html and action_url(s, "reply_review") in html
    s = submit(
        client,
        office,
        s,
        "reply_review",
        {"decision": "return", "note": "请补充资金来源。", "outcome": "", "promised_on": ""},
        "审核意见已保存。",
    )
    assert ReplyDraft.objects.get(suggestion=s).stage == ReplyDraft.Stage.RETURNED
    assert "答复稿退回修改：请补充资金来源。" in page(client, lead_handler, s)


def test_a_blank_return_reason_keeps_the_form(client, office, lead_handler, stages):
    HandlingPolicy.objects.create(reply_review=True)
    s = stages.ready()
    s = submit(
        client,
        lead_handler,
        s,
        "reply_draft",
        {**DRAFT_FORM, "replied_on": iso(today())},
        "答复稿已提交。",
    )
    client.force_login(office)
    response = client.post(
        action_url(s, "reply_review"),
        {"version": s.version, "decision": "return", "note": "", "outcome": "", "promised_on": ""},
    )
    assert response.status_code == 200
    assert "请填写退回理由。" in response.content.decode()
    assert fresh(s).version == s.version


def test_the_api_reviews_and_sends(office, lead_handler, stages):
    HandlingPolicy.objects.create(reply_review=True)
    s = stages.ready()
    lead = token_client(lead_handler)
    response = lead.post(
        item_url(s.pk, "reply_draft"),
        {"version": s.version, "outcome": Outcome.RESOLVED, "text": "已完成。"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    refused = lead.post(
        item_url(s.pk, "reply"),
        {"version": fresh(s).version, "outcome": Outcome.RESOLVED, "text": "已完成。"},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "经区政府办公室审核后送达代表" in refused.content.decode()
    sent = token_client(office).post(
        item_url(s.pk, "reply_review"),
        {"version": fresh(s).version, "decision": "send"},
        format="json",
    )
    assert sent.status_code == 200, sent.content
    assert fresh(s).status == Status.REPLIED
    assert Reply.objects.get(suggestion=s).replied_on == today()
