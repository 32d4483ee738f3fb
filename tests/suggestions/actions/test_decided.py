"""Decision forms show what is decided; the reply form asks for a dropped letter again;
办结 without a rating needs its reason."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.timezone import localdate as date_today

from suggestions.deadlines import add_months
from suggestions.models import Event
from suggestions.models import Reply
from suggestions.models import Status
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import fresh


def test_the_extension_form_shows_the_request(client, office, stages):
    s = stages.pending()
    client.force_login(office)
    page = client.get(action_url(s, "extension_decide")).content.decode()
    assert add_months(s.due_on, 1).isoformat() in page  # the requested date
    assert "需要协调多个部门。" in page  # the reason
    assert f"当前期限</dt><dd>{s.due_on.isoformat()}" in page


def test_the_return_form_shows_the_request(client, office, stages):
    s = stages.pending()
    client.force_login(office)
    page = client.get(action_url(s, "return_decide")).content.decode()
    assert "不属于本单位职责。" in page


def test_the_reply_form_shows_the_content_and_the_co_opinions(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    page = client.get(action_url(s, "reply")).content.decode()
    assert s.content in page
    assert "同意主办意见。" in page


def test_a_reply_after_an_error_asks_for_the_letter_again(client, lead_handler, stages):
    s = stages.ready()
    client.force_login(lead_handler)
    letter = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    data = {"version": s.version, "outcome": "resolved", "text": "", "letter": letter}
    page = client.post(action_url(s, "reply"), data).content.decode()
    assert "请重新选择答复函" in page
    assert 'name="letter_chosen" value="true"' in page
    # Submitting again without the letter is refused; nothing saved.
    data = {
        "version": s.version,
        "outcome": "resolved",
        "text": "已解决。",
        "replied_on": date_today().isoformat(),
        "letter_chosen": "true",
    }
    page = client.post(action_url(s, "reply"), data).content.decode()
    assert "请重新选择答复函" in page
    assert not Reply.objects.filter(suggestion=s).exists()
    letter = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(action_url(s, "reply"), {**data, "letter": letter})
    assert response.status_code == 302
    assert Reply.objects.get(suggestion=s).letter_name == "a.pdf"


def test_close_without_a_reason_is_refused(client, office, stages):
    s = stages.replied()
    client.force_login(office)
    page = client.post(action_url(s, "close"), {"version": s.version}).content.decode()
    assert "代表尚未评价，请选择办结原因。" in page
    page = client.post(
        action_url(s, "close"), {"version": s.version, "reason": "other"}
    ).content.decode()
    assert "原因为“其他”时，请在办结说明中写明原因。" in page
    assert fresh(s).status == Status.REPLIED
    response = client.post(
        action_url(s, "close"), {"version": s.version, "reason": "other", "note": "代表已调离。"}
    )
    assert response.status_code == 302
    event = Event.objects.get(suggestion=s, action=Event.Action.CLOSE)
    assert (event.close_reason, event.note) == ("other", "代表已调离。")
    assert "未经代表评价办结，原因：其他" in client.get(s.get_absolute_url()).content.decode()
