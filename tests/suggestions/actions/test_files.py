"""Files read in the browser: reply letters previewed (a PDF inline, Word/OFD downloaded),
and follow-up records with their evidence files — stored under random names through the
service, checked by content, listed and served through the read gate, refused with what
was typed kept, removed again when the record is not saved, shown in the API and the
admin.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notices import services as notices
from suggestions import services
from suggestions.models import Event
from suggestions.models import FollowUp
from suggestions.models import FollowUpEvidence
from suggestions.models import Outcome
from suggestions.models import Reply
from tests.conftest import PDF
from tests.conftest import promise
from tests.factories import UserFactory
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import detail_url
from tests.suggestions.actions.helpers import field_error
from tests.suggestions.actions.helpers import iso
from tests.suggestions.actions.helpers import stored_files
from tests.suggestions.actions.helpers import submit
from tests.suggestions.actions.helpers import today

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
DOCX = b"PK\x03\x04" + b"\x00" * 32
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def visit(**extra) -> dict:
    return {
        "kind": "visit",
        "happened_on": iso(today()),
        "participants": "张三",
        "findings": "现场查看，已完工。",
        "consistent_with_reply": "unknown",
        "new_outcome": "",
        **extra,
    }


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def recorded(s, actor, *files: ContentFile, kind: str = "visit") -> FollowUp:
    """A follow-up with `files`, recorded through the service."""
    return services.follow_up_record(
        suggestion=s, actor=actor, kind=kind, findings="走访。", evidence=list(files)
    )


# ---------------------------------------------------------------------------------------
# Evidence files on a follow-up record


def test_a_follow_up_takes_several_files_listed_and_served_through_the_read_gate(
    client, lead_handler, office, supervisor, co_handler, other_handler, stages, media
):
    s = stages.replied()
    files = [
        upload("现场照片.jpg", JPEG, "image/jpeg"),
        upload("整改前后.PNG", PNG, "image/png"),
        upload("验收报告.pdf", PDF, "application/pdf"),
        upload("会议纪要.docx", DOCX, DOCX_TYPE),
    ]
    submit(client, lead_handler, s, "follow_up", visit(evidence=files), "跟踪记录已保存。")
    record = FollowUp.objects.get(suggestion=s)
    evidence = list(record.evidence.order_by("id"))
    assert [(e.name, e.content_type, e.size) for e in evidence] == [
        ("现场照片.jpg", "image/jpeg", len(JPEG)),
        ("整改前后.PNG", "image/png", len(PNG)),
        ("验收报告.pdf", "application/pdf", len(PDF)),
        ("会议纪要.docx", DOCX_TYPE, len(DOCX)),
    ]
    assert {e.uploaded_by for e in evidence} == {lead_handler}
    # Stored under random names, never the user's.
    stored = stored_files(media)
    assert len(stored) == 4
    assert not any("现场" in p.name or "验收" in p.name for p in stored)
    assert Event.objects.filter(suggestion=s, note__endswith="（附证明材料4个）").exists()

    page = client.get(detail_url(s)).content.decode()
    for e in evidence:
        assert reverse("suggestions:evidence", args=[s.pk, e.pk]) in page
    previews = [reverse("suggestions:evidence_preview", args=[s.pk, e.pk]) for e in evidence]
    assert all(url in page for url in previews[:3]) and previews[3] not in page
    assert "需下载后打开" in page

    jpeg, png, pdf, docx = evidence
    for user in (lead_handler, office, supervisor, co_handler):
        client.force_login(user)
        response = client.get(reverse("suggestions:evidence", args=[s.pk, pdf.pk]))
        assert response.status_code == 200, user
        assert response["Content-Disposition"].startswith("attachment")
        assert quote("验收报告.pdf") in response["Content-Disposition"]
        assert body(response) == PDF
        for item, content, content_type in ((pdf, PDF, "application/pdf"), (png, PNG, "image/png")):
            response = client.get(reverse("suggestions:evidence_preview", args=[s.pk, item.pk]))
            assert response.status_code == 200
            assert response["Content-Type"] == content_type
            assert response["Content-Disposition"].startswith("inline")
            assert body(response) == content
    # A Word file cannot be previewed: it downloads even from the preview address.
    response = client.get(reverse("suggestions:evidence_preview", args=[s.pk, docx.pk]))
    assert response["Content-Disposition"].startswith("attachment")

    client.force_login(other_handler)
    for name in ("suggestions:evidence", "suggestions:evidence_preview"):
        assert client.get(reverse(name, args=[s.pk, jpeg.pk])).status_code == 404
    client.logout()
    for name in ("suggestions:evidence", "suggestions:evidence_preview"):
        response = client.get(reverse(name, args=[s.pk, jpeg.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A file of one item is not reached through another item's address.
    client.force_login(office)
    other = stages.replied()
    assert client.get(reverse("suggestions:evidence", args=[other.pk, jpeg.pk])).status_code == 404


def test_a_preview_is_shown_by_the_browser_under_the_security_headers(
    client, lead_handler, stages, media
):
    s = stages.replied()
    recorded(s, lead_handler, ContentFile(PDF, name="报告.pdf"))
    item = FollowUpEvidence.objects.get()
    client.force_login(lead_handler)
    response = client.get(reverse("suggestions:evidence_preview", args=[s.pk, item.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    # The site's policy as on every page (the browser's own PDF viewer needs no more:
    # tests/browser/test_previews.py).
    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert policy == client.get(detail_url(s))["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("照片.jpg", b"just text", "image/jpeg", "“照片.jpg”的内容不是有效的JPG文件"),
        ("照片.png", JPEG, "image/png", "“照片.png”的内容不是有效的PNG文件"),
        ("照片.png", PNG, "text/html", "“照片.png”的文件类型（text/html）与扩展名.png不符"),
        ("run.exe", b"MZ\x90\x00", "application/octet-stream", "“run.exe”的格式不支持"),
        ("空.pdf", b"", "application/pdf", "证明材料“空.pdf”是空文件"),
    ],
    ids=["renamed-text", "jpeg-named-png", "content-type", "exe", "empty"],
)
def test_a_bad_file_is_refused_with_what_was_typed_kept(
    client, lead_handler, stages, media, name, content, content_type, message
):
    s = stages.replied()
    client.force_login(lead_handler)
    good = upload("好的.pdf", PDF, "application/pdf")
    response = client.post(
        action_url(s, "follow_up"),
        {"version": s.version, **visit(evidence=[good, upload(name, content, content_type)])},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in field_error(page, "evidence")
    assert "现场查看，已完工。" in page and 'value="张三"' in page
    assert not FollowUp.objects.exists() and stored_files(media) == []


def test_files_must_be_chosen_again_after_an_error(client, lead_handler, stages, media):
    s = stages.replied()
    client.force_login(lead_handler)
    photo = upload("照片.jpg", JPEG, "image/jpeg")
    response = client.post(
        action_url(s, "follow_up"), {"version": s.version, **visit(findings="", evidence=[photo])}
    )
    page = response.content.decode()
    assert "请重新选择证明材料" in field_error(page, "evidence")
    assert re.search(r'<input type="hidden" name="evidence_chosen" value="true"', page)
    # Sent again as the page stands, without choosing the files: refused, nothing saved.
    response = client.post(
        action_url(s, "follow_up"),
        {"version": s.version, **visit(evidence_chosen="true")},
    )
    assert "请重新选择证明材料" in field_error(response.content.decode(), "evidence")
    assert not FollowUp.objects.exists()
    # Chosen again: saved.
    submit(
        client,
        lead_handler,
        s,
        "follow_up",
        visit(evidence_chosen="true", evidence=[upload("照片.jpg", JPEG, "image/jpeg")]),
        "跟踪记录已保存。",
    )
    assert FollowUpEvidence.objects.get().name == "照片.jpg"


def test_at_most_ten_files_a_record(client, lead_handler, stages, media):
    s = stages.replied()
    client.force_login(lead_handler)
    files = [upload(f"{i}.jpg", JPEG, "image/jpeg") for i in range(11)]
    response = client.post(
        action_url(s, "follow_up"), {"version": s.version, **visit(evidence=files)}
    )
    assert "最多上传10个证明材料，您选择了11个" in field_error(
        response.content.decode(), "evidence"
    )
    assert not FollowUp.objects.exists()
    with pytest.raises(ValidationError) as refused:
        recorded(s, lead_handler, *[ContentFile(JPEG, name=f"{i}.jpg") for i in range(11)])
    assert refused.value.code == "evidence"
    assert stored_files(media) == []


def test_a_long_name_is_shortened_keeping_its_extension(lead_handler, stages, media):
    s = stages.replied()
    record = recorded(s, lead_handler, ContentFile(JPEG, name="长" * 300 + ".jpeg"))
    (item,) = record.evidence.all()
    assert len(item.name) == 200 and item.name.endswith(".jpeg")
    assert item.file.name.endswith(".jpeg") and "长" not in item.file.name


def test_the_files_are_removed_when_the_record_is_not_saved(supervisor, stages, media, monkeypatch):
    s = stages.replied()

    def fails(**kwargs):
        raise RuntimeError("notice failed")

    monkeypatch.setattr(notices, "notify_supervision", fails)
    with pytest.raises(RuntimeError):
        recorded(
            s,
            supervisor,
            ContentFile(PDF, name="督办单.pdf"),
            ContentFile(PNG, name="照片.png"),
            kind="supervision",
        )
    assert not FollowUp.objects.exists() and not FollowUpEvidence.objects.exists()
    assert stored_files(media) == []


def test_the_api_and_the_admin_show_the_files(client, lead_handler, stages, media):
    s = stages.replied()
    recorded(s, lead_handler, ContentFile(PNG, name="照片.png"))
    item = FollowUpEvidence.objects.get()
    client.force_login(lead_handler)
    response = client.get(reverse("api:suggestion-detail", args=[s.pk]))
    assert response.status_code == 200
    [follow_up] = response.json()["follow_ups"]
    [evidence] = follow_up["evidence"]
    assert evidence["name"] == "照片.png" and evidence["content_type"] == "image/png"
    assert evidence["size"] == len(PNG)
    assert evidence["url"] == reverse("suggestions:evidence", args=[s.pk, item.pk])

    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:suggestions_followupevidence_changelist"))
    assert listing.status_code == 200 and "照片.png" in listing.text
    assert client.get(reverse("admin:suggestions_followupevidence_add")).status_code == 403
    page = client.get(reverse("admin:suggestions_followupevidence_change", args=[item.pk]))
    assert page.status_code == 200 and 'name="name"' not in page.text  # read-only


# ---------------------------------------------------------------------------------------
# Reply letters previewed


def test_a_pdf_letter_opens_in_the_browser_a_word_letter_downloads(
    client, lead_handler, office, other_handler, stages, media
):
    s = stages.ready()
    services.reply_submit(
        suggestion=s,
        actor=lead_handler,
        outcome=Outcome.PLANNED,
        text="列入计划。",
        promised_on=promise(Outcome.PLANNED),
        letter=ContentFile(PDF, name="答复函.pdf"),
    )
    services.feedback_record(suggestion=s, actor=office, satisfaction="unsatisfied", comment="慢")
    services.reply_submit(
        suggestion=s,
        actor=lead_handler,
        outcome=Outcome.RESOLVED,
        text="已解决。",
        letter=ContentFile(DOCX, name="第二轮答复函.docx"),
    )
    pdf, word = Reply.objects.filter(suggestion=s).order_by("round")
    client.force_login(office)
    page = client.get(detail_url(s)).content.decode()
    pdf_preview = reverse("suggestions:reply_letter_preview", args=[s.pk, pdf.pk])
    word_preview = reverse("suggestions:reply_letter_preview", args=[s.pk, word.pk])
    assert pdf_preview in page and word_preview not in page
    assert "Word、OFD 文件不能在浏览器中预览，请下载后打开" in page

    response = client.get(pdf_preview)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert body(response) == PDF
    response = client.get(word_preview)
    assert response["Content-Disposition"].startswith("attachment")
    assert body(response) == DOCX

    client.force_login(other_handler)
    assert client.get(pdf_preview).status_code == 404
