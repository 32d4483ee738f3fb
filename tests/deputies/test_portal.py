"""The deputy portal (DESIGN §10): a deputy sees exactly the items it leads or co-signed,
nothing of the office's, handlers' or reports' pages, reads reply letters in the browser
and rates each reply round."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from deputies.models import CosignerRating
from security.models import AuditEvent
from suggestions.models import Feedback
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Status
from suggestions.models import Suggestion

HOME = reverse("deputies:home")


def detail(s) -> str:
    return reverse("deputies:detail", args=[s.pk])


def rate_url(s) -> str:
    reply = s.replies.order_by("-round").first()
    return reverse("deputies:rate", args=[s.pk, reply.pk])


def letter_url(s) -> str:
    reply = s.replies.order_by("-round").first()
    return reverse("deputies:letter", args=[s.pk, reply.pk])


def test_a_deputy_lands_on_its_portal_after_login(client, portal):
    portal.lead.set_password("Test-pass-1")
    portal.lead.save()
    response = client.post(
        reverse("login"), {"username": "daibiao1", "password": "Test-pass-1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == HOME
    assert response.status_code == 200


def test_the_portal_lists_exactly_the_led_and_cosigned_items(client, portal):
    client.force_login(portal.lead)
    response = client.get(HOME)
    assert response.status_code == 200
    shown = {s.pk: s.part for s in response.context["items"]}
    assert shown == {
        portal.replied.pk: "lead",
        portal.led_draft.pk: "lead",
        portal.cosigned.pk: "co_signer",
    }
    assert response.context["awaiting"] == 1
    body = response.content.decode()
    assert "加装电梯" in body and "待评价" in body and "别人的建议" not in body

    client.force_login(portal.cosigner)
    shown = {s.pk: s.part for s in client.get(HOME).context["items"]}
    assert shown == {portal.replied.pk: "co_signer"}


def test_the_deputy_sees_stage_departments_due_dates_timeline_and_letters(client, portal):
    client.force_login(portal.lead)
    body = client.get(detail(portal.replied)).content.decode()
    for text in ("已答复", "区房管局", "区建设管理委", "办复期限", "办理过程", "交办"):
        assert text in body, text
    assert letter_url(portal.replied) in body
    assert "提交评价" in body
    # The office's navigation is not there; the portal's is.
    assert reverse("suggestions:list") not in body
    assert reverse("reports:report") not in body
    assert "我的建议" in body


def office_and_handler_urls(portal) -> list[str]:
    own = portal.replied
    reply = own.replies.get()
    return [
        reverse("suggestions:workspace"),
        reverse("suggestions:list"),
        reverse("suggestions:create"),
        reverse("suggestions:bulk_assign"),
        reverse("suggestions:bulk_assign_form"),
        reverse("suggestions:detail", args=[own.pk]),
        reverse("suggestions:detail", args=[portal.others.pk]),
        reverse("suggestions:action", args=[own.pk, "feedback"]),
        reverse("suggestions:reply_letter", args=[own.pk, reply.pk]),
        reverse("suggestions:deputy_phone", args=[own.pk]),
        "/suggestions/import/",
        "/suggestions/export.xlsx",
        reverse("reports:dashboard"),
        reverse("reports:report"),
        reverse("reports:issue"),
        reverse("admin:index"),
        reverse("security:users"),
        reverse("security:locks"),
        reverse("security:audit"),
        reverse("deputies:accounts"),
        "/api/v1/departments/",
        "/api/v1/reports/",
    ]


def test_every_office_handler_and_report_url_is_a_404_to_a_deputy(client, portal):
    client.force_login(portal.lead)
    before = AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_REFUSED).count()
    urls = office_and_handler_urls(portal)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("suggestions:action", args=[portal.replied.pk, "feedback"]),
            {
                "satisfaction": "satisfied",
            },
        ).status_code
        == 404
    )
    refused = AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_REFUSED).count()
    assert refused - before == len(urls) + 1
    # The home page sends it to its portal.
    assert client.get("/").url == HOME


def test_other_items_are_a_404_in_the_portal(client, portal):
    client.force_login(portal.cosigner)
    for s in (portal.led_draft, portal.cosigned, portal.others):
        assert client.get(detail(s)).status_code == 404
    others_reply = portal.others.replies.get()
    assert (
        client.get(reverse("deputies:letter", args=[portal.others.pk, others_reply.pk])).status_code
        == 404
    )
    response = client.post(
        reverse("deputies:rate", args=[portal.others.pk, others_reply.pk]),
        {"satisfaction": Satisfaction.SATISFIED},
    )
    assert response.status_code == 404
    assert not Feedback.objects.filter(suggestion=portal.others).exists()
    # A reply of another item under this item's number is no letter of it.
    mine = portal.replied
    assert (
        client.get(reverse("deputies:letter", args=[mine.pk, others_reply.pk])).status_code == 404
    )
    assert client.get("/deputy/x/").status_code == 404


@pytest.mark.parametrize("who", ["office", "lead_handler", "supervisor"])
def test_the_portal_is_a_404_to_everyone_else(client, portal, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(HOME).status_code == 404
    assert client.get(detail(portal.replied)).status_code == 404


def test_a_pdf_letter_opens_in_the_browser(client, portal):
    client.force_login(portal.lead)
    response = client.get(letter_url(portal.replied))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_letter_of_another_type_downloads(client, portal):
    reply = portal.replied.replies.get()
    reply.letter.save("dafuhan.docx", ContentFile(b"PK\x03\x04 docx"), save=False)
    Reply.objects.filter(pk=reply.pk).update(letter=reply.letter.name, letter_name="答复函.docx")
    client.force_login(portal.cosigner)
    response = client.get(letter_url(portal.replied))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert response["Content-Disposition"].startswith("attachment")


def test_unsatisfied_needs_an_opinion_and_the_form_keeps_the_choice(client, portal):
    client.force_login(portal.lead)
    response = client.post(rate_url(portal.replied), {"satisfaction": "unsatisfied"})
    assert response.status_code == 400
    assert "请填写具体意见" in response.content.decode()
    assert response.context["form"]["satisfaction"].value() == "unsatisfied"
    assert Suggestion.objects.get(pk=portal.replied.pk).status == Status.REPLIED
    response = client.post(rate_url(portal.replied), {"satisfaction": "nonsense"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_the_lead_deputys_rating_is_the_items_and_is_marked_online(client, portal, office):
    client.force_login(portal.lead)
    s = portal.replied
    response = client.post(
        rate_url(s),
        {"satisfaction": Satisfaction.SATISFIED, "comment": "很好", "version": s.version},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.status, s.satisfaction) == (Status.CLOSED, Satisfaction.SATISFIED)
    feedback = Feedback.objects.get(suggestion=s)
    assert feedback.entered_by_deputy and feedback.created_by == portal.lead
    # Rated: no second form, and a second post is refused.
    assert "提交评价" not in client.get(detail(s)).content.decode()
    assert client.post(rate_url(s), {"satisfaction": "satisfied"}).status_code == 400
    # The office sees the rating, marked as the deputy's own.
    client.force_login(office)
    body = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "代表网上评价" in body and "很好" in body


def test_a_stale_version_is_refused(client, portal):
    client.force_login(portal.lead)
    s = portal.replied
    response = client.post(rate_url(s), {"satisfaction": "satisfied", "version": s.version - 1})
    assert response.status_code == 400
    assert Suggestion.objects.get(pk=s.pk).status == Status.REPLIED


def test_a_cosigners_rating_is_stored_and_shown_and_moves_nothing(client, portal, office):
    s = portal.replied
    client.force_login(portal.cosigner)
    body = client.get(detail(s)).content.decode()
    assert "联名代表意见记录" in body
    response = client.post(rate_url(s), {"satisfaction": "unsatisfied", "comment": "进度太慢"})
    assert response.status_code == 302
    rating = CosignerRating.objects.get()
    assert (rating.deputy, rating.satisfaction) == (portal.cosigner_deputy, "unsatisfied")
    s.refresh_from_db()
    assert (s.status, s.satisfaction) == (Status.REPLIED, "")
    assert not Feedback.objects.exists()
    assert client.post(rate_url(s), {"satisfaction": "satisfied"}).status_code == 400
    assert CosignerRating.objects.count() == 1
    # The lead deputy and the office both see it.
    client.force_login(portal.lead)
    assert "联名代表周代表评价" in client.get(detail(s)).content.decode()
    client.force_login(office)
    body = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "联名代表周代表意见" in body and "进度太慢" in body


def test_the_offices_paper_rating_is_marked_as_entered_for_the_deputy(client, portal, office):
    s = portal.replied
    client.force_login(office)
    response = client.post(
        reverse("suggestions:action", args=[s.pk, "feedback"]),
        {
            "satisfaction": "basically_satisfied",
            "comment": "",
            "received_on": timezone.localdate().isoformat(),
            "version": s.version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    feedback = Feedback.objects.get(suggestion=s)
    assert not feedback.entered_by_deputy and feedback.created_by == office
    assert (
        f"代录：{office}" in client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    )
    client.force_login(portal.lead)
    assert "代录" in client.get(detail(s)).content.decode()


def test_the_timeline_leaves_out_the_governments_internal_steps(client, portal, stages):
    """办理过程 shows what happened to the suggestion, not the requests and drafts inside
    the government (a refused extension changed nothing the deputy sees)."""
    from suggestions import services
    from suggestions.models import Event

    item = stages.pending(lead_deputy=portal.lead_deputy)
    request = item.assignments.get(role="lead").extension_requests.get()
    services.extension_decide(request=request, actor=stages.office, approve=False)
    assert item.events.filter(action=Event.Action.EXTENSION_REJECT).exists()
    client.force_login(portal.lead)
    body = client.get(detail(item)).content.decode()
    timeline = body[body.index("办理过程") :]
    assert "交办" in timeline and "签收" in timeline
    for hidden in ("申请延期", "不同意延期", "申请退办"):
        assert hidden not in timeline, hidden
