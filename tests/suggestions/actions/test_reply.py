"""Reply through the HTML forms — 会办意见 and 办复, with the reply letters: stored,
downloadable by whoever sees the item, refused when bad or too big, one per round.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suggestions import services
from suggestions.models import Assignment
from suggestions.models import Outcome
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Status
from tests.conftest import PDF
from tests.conftest import promise
from tests.suggestions.actions.helpers import REQUIRED
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import detail_url
from tests.suggestions.actions.helpers import field_error
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import iso
from tests.suggestions.actions.helpers import radio_checked
from tests.suggestions.actions.helpers import stored_files
from tests.suggestions.actions.helpers import submit
from tests.suggestions.actions.helpers import today

# ---------------------------------------------------------------------------------------
# Co-handling opinion


def test_co_opinion(client, co_handler, stages):
    s = stages.in_progress()
    submit(
        client,
        co_handler,
        s,
        "co_opinion",
        {"opinion": "建议与交通部门协调。"},
        "会办意见已提交主办单位。",
    )
    co = Assignment.objects.get(suggestion=s, role=Assignment.Role.CO)
    assert co.opinion == "建议与交通部门协调。"
    assert co.opinion_by == co_handler


def test_co_opinion_blank_is_refused(client, co_handler, stages):
    s = stages.in_progress()
    client.force_login(co_handler)
    response = client.post(action_url(s, "co_opinion"), {"version": s.version, "opinion": ""})
    assert response.status_code == 200
    assert field_error(response.content.decode(), "opinion").endswith(REQUIRED)
    assert Assignment.objects.get(suggestion=s, role=Assignment.Role.CO).opinion == ""


# ---------------------------------------------------------------------------------------
# Reply


def test_reply(client, lead_handler, stages):
    s = stages.ready()
    after = submit(
        client,
        lead_handler,
        s,
        "reply",
        {
            "outcome": "resolved",
            "text": "已完成改造。",
            "replied_on": iso(today()),
            "contact_person": "张三",
            "contact_phone": "021-12345678",
        },
        "已答复代表。",
    )
    assert (after.status, after.outcome, after.first_replied_on) == (
        Status.REPLIED,
        Outcome.RESOLVED,
        today(),
    )
    reply = Reply.objects.get(suggestion=s)
    assert (reply.text, reply.contact_person, reply.letter.name) == ("已完成改造。", "张三", "")


def test_reply_form_suggests_the_handler_as_contact(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    page = client.get(action_url(s, "reply")).content.decode()
    assert 'name="contact_person"' in page
    assert f'value="{lead_handler}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_reply_without_text_keeps_what_was_typed(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "planned",
            "text": "",
            "replied_on": iso(today()),
            "contact_person": "李四",
            "contact_phone": "13900001111",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "text").endswith(REQUIRED)
    assert radio_checked(page, "outcome", "planned")
    assert not radio_checked(page, "outcome", "resolved")
    assert 'value="李四"' in page
    assert 'value="13900001111"' in page
    assert fresh(s).status == Status.IN_PROGRESS
    assert not Reply.objects.exists()


def test_reply_dated_tomorrow_is_refused_beside_the_date(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    tomorrow = today() + dt.timedelta(days=1)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "planned",
            "text": "已列入计划。",
            "replied_on": iso(tomorrow),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "replied_on") == f"答复日期不能晚于今天（{iso(today())}）。"
    assert "已列入计划。" in page
    assert not Reply.objects.exists()


def test_stale_reply_with_a_letter_asks_to_choose_the_file_again(
    client, lead_handler, supervisor, stages, media
):
    s = stages.ready()
    seen = s.version
    services.suggestion_set_key_supervision(
        suggestion=s, actor=supervisor, key_supervision=True, expected_version=seen
    )
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": seen,
            "outcome": "in_progress",
            "text": "正在推进。",
            "replied_on": iso(today()),
            "contact_person": "张三",
            "letter": SimpleUploadedFile("dafuhan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"该建议已被{supervisor}于" in page
    assert "浏览器不会保留已选择的文件，请重新选择答复函。" in page
    assert "正在推进。" in page
    assert radio_checked(page, "outcome", "in_progress")
    assert not Reply.objects.exists()
    assert stored_files(media) == []
    after = fresh(s)
    assert (after.status, after.version, after.key_supervision) == (
        Status.IN_PROGRESS,
        seen + 1,
        True,
    )


# ---------------------------------------------------------------------------------------
# Reply letters


def test_reply_with_a_pdf_letter_is_stored_and_downloadable(
    client, lead_handler, office, supervisor, co_handler, other_handler, stages, media
):
    s = stages.ready()
    submit(
        client,
        lead_handler,
        s,
        "reply",
        {
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf"),
        },
        "已答复代表。",
    )
    reply = Reply.objects.get(suggestion=s)
    assert reply.letter_name == "答复函.pdf"
    assert reply.letter.read() == PDF
    reply.letter.close()
    assert len(stored_files(media)) == 1

    url = reverse("suggestions:reply_letter", args=[s.pk, reply.pk])
    detail = client.get(detail_url(s)).content.decode()
    assert url in detail
    for user in (lead_handler, office, supervisor, co_handler):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert quote("答复函.pdf") in disposition
    client.force_login(other_handler)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("setup.exe", b"MZ\x90\x00binary", "application/octet-stream", "的格式不支持"),
        ("notes.pdf", b"just some text\n", "application/pdf", "文件内容不是有效的PDF文件"),
        ("notes.pdf", b"just some text\n", "text/plain", "文件类型（text/plain）与扩展名.pdf不符"),
        ("empty.pdf", b"", "application/pdf", "空文件"),
    ],
    ids=["exe", "renamed-text", "text-content-type", "empty"],
)
def test_a_bad_letter_is_refused(
    client, lead_handler, stages, media, name, content, content_type, message
):
    s = stages.ready()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in field_error(page, "letter")
    assert "已完成。" in page
    assert not Reply.objects.exists()
    assert stored_files(media) == []
    assert fresh(s).status == Status.IN_PROGRESS


def test_a_letter_over_the_size_limit_is_refused(client, lead_handler, stages, media, monkeypatch):
    monkeypatch.setattr("suggestions.forms.LETTER_MAX_BYTES", 64)
    s = stages.ready()
    client.force_login(lead_handler)
    big = PDF + b"%" + b"0" * 200
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile("big.pdf", big, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "答复函不能超过" in field_error(response.content.decode(), "letter")
    assert not Reply.objects.exists()
    assert stored_files(media) == []


def test_a_letter_just_under_the_size_limit_is_accepted(
    client, lead_handler, stages, media, monkeypatch
):
    monkeypatch.setattr("suggestions.forms.LETTER_MAX_BYTES", len(PDF))
    s = stages.ready()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "resolved",
            "text": "已完成。",
            "replied_on": iso(today()),
            "letter": SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Reply.objects.get(suggestion=s).letter_name == "ok.pdf"


def test_each_reply_round_serves_its_own_letter(client, office, stages, media):
    s = stages.ready()
    second_pdf = PDF.replace(b"Catalog", b"Catalog /Round 2")
    first = services.reply_submit(
        suggestion=s,
        actor=stages.lead_handler,
        outcome=Outcome.PLANNED,
        text="第一轮。",
        promised_on=promise(Outcome.PLANNED),
        letter=ContentFile(PDF, name="first.pdf"),
        letter_name="first.pdf",
    )
    services.feedback_record(
        suggestion=s, actor=office, satisfaction=Satisfaction.UNSATISFIED, comment="太慢。"
    )
    second = services.reply_submit(
        suggestion=s,
        actor=stages.lead_handler,
        outcome=Outcome.IN_PROGRESS,
        text="第二轮。",
        promised_on=promise(Outcome.IN_PROGRESS),
        letter=ContentFile(second_pdf, name="second.pdf"),
        letter_name="second.pdf",
    )
    client.force_login(office)
    for reply, content, name in ((first, PDF, "first.pdf"), (second, second_pdf, "second.pdf")):
        response = client.get(reverse("suggestions:reply_letter", args=[s.pk, reply.pk]))
        assert b"".join(response.streaming_content) == content
        assert name in response["Content-Disposition"]


# ---------------------------------------------------------------------------------------
# The promised completion date (DESIGN §11)


def test_planned_reply_without_a_promised_date_is_refused_beside_it(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": "planned",
            "text": "列入计划。",
            "replied_on": iso(today()),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "promised_on") == "办理结果为“计划解决”时，请填写计划完成时间。"
    assert "列入计划。" in page
    assert not Reply.objects.exists()


def test_planned_reply_keeps_its_promised_date_on_the_item_and_the_page(
    client, lead_handler, stages
):
    s = stages.ready()
    promised = today() + dt.timedelta(days=200)
    submit(
        client,
        lead_handler,
        s,
        "reply",
        {
            "outcome": "planned",
            "text": "列入计划。",
            "replied_on": iso(today()),
            "promised_on": iso(promised),
        },
        "已答复代表。",
    )
    assert Reply.objects.get(suggestion=s).promised_on == promised
    assert fresh(s).promised_on == promised
    page = client.get(detail_url(s)).content.decode()
    assert f"计划完成时间：{iso(promised)}" in page
    assert f"计划{iso(promised)}完成" in page


@pytest.mark.parametrize(
    ("outcome", "days", "message"),
    [
        ("resolved", 30, "只有“正在解决”“计划解决”的答复填写计划完成时间。"),
        ("in_progress", 0, "计划完成时间应晚于答复日期（{today}）。"),
        ("in_progress", 365 * 5 + 2, "计划完成时间不能晚于答复日期后5年（{limit}）。"),
    ],
)
def test_a_wrong_promised_date_is_refused(client, lead_handler, stages, outcome, days, message):
    s = stages.ready()
    day = today()
    client.force_login(lead_handler)
    response = client.post(
        action_url(s, "reply"),
        {
            "version": s.version,
            "outcome": outcome,
            "text": "答复。",
            "replied_on": iso(day),
            "promised_on": iso(day + dt.timedelta(days=days)),
        },
    )
    assert response.status_code == 200
    limit = day.replace(year=day.year + 5)
    expected = message.format(today=iso(day), limit=iso(limit))
    assert field_error(response.content.decode(), "promised_on") == expected
    assert not Reply.objects.exists()


def test_a_recheck_to_resolved_drops_the_promise_one_in_progress_keeps_it(supervisor, stages):
    s = stages.replied()
    promised = fresh(s).promised_on
    assert promised == promise(Outcome.PLANNED)
    services.follow_up_record(
        suggestion=fresh(s),
        actor=supervisor,
        kind="recheck",
        findings="已开工。",
        new_outcome=Outcome.IN_PROGRESS,
    )
    assert fresh(s).promised_on == promised
    services.follow_up_record(
        suggestion=fresh(s),
        actor=supervisor,
        kind="recheck",
        findings="已完工。",
        new_outcome=Outcome.RESOLVED,
    )
    assert fresh(s).promised_on is None
