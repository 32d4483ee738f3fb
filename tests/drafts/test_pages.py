"""The drafting pages: the deputy drafts, invites by searching, co-signers answer, the
office decides; nobody reaches another deputy's draft; bad input keeps what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drafts.models import DraftStatus
from drafts.models import InvitationStatus
from notices.models import Kind as NoticeKind
from notices.models import Notification
from suggestions.models import Source
from suggestions.models import Suggestion
from tests.drafts.conftest import BEFORE
from tests.factories import DepartmentFactory
from tests.factories import handler_user
from tests.factories import supervisor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def before_deadline(settings, monkeypatch):
    """The pages act 'now': keep now before the session's co-signing deadline."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: BEFORE)


def test_a_deputy_drafts_and_a_refused_form_keeps_what_was_typed(client, cast):
    client.force_login(cast.lead)
    text = "建议在地铁站周边增设非机动车停车点。"
    response = client.post(
        reverse("drafts:create"),
        {
            "title": "关于增设停车点的建议",
            "content": text,
            "topic": "other",
            "source": Source.SESSION,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "大会期间提出的建议须选择所属会议。" in page
    assert text in page and "关于增设停车点的建议" in page

    response = client.post(
        reverse("drafts:create"),
        {
            "title": "关于增设停车点的建议",
            "content": text,
            "topic": "other",
            "source": Source.SESSION,
            "session": cast.session.pk,
        },
    )
    draft = cast.lead_deputy.drafts.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("drafts:detail", args=[draft.pk])
    page = client.get(reverse("drafts:home")).content.decode()
    assert "关于增设停车点的建议" in page and "草稿" in page


def test_the_picker_searches_and_invites_the_ticked_deputies(client, cast, before_deadline):
    draft = cast.draft()
    client.force_login(cast.lead)
    page = client.get(reverse("drafts:invite", args=[draft.pk]), {"q": "王"}).content.decode()
    assert "王丽" in page and "赵强" not in page
    assert "钱进" not in client.get(reverse("drafts:invite", args=[draft.pk])).content.decode()

    response = client.post(
        reverse("drafts:invite", args=[draft.pk]),
        {"deputies": [cast.wang.deputy.pk, cast.zhao.deputy.pk], "version": draft.version},
    )
    assert response.status_code == 302
    assert set(draft.invitations.values_list("deputy__name", flat=True)) == {"王丽", "赵强"}


def test_the_picker_refuses_nothing_ticked_and_a_stale_page(client, cast, before_deadline):
    draft = cast.draft()
    client.force_login(cast.lead)
    response = client.post(reverse("drafts:invite", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 400
    assert "请至少选择一位代表。" in response.content.decode()
    response = client.post(
        reverse("drafts:invite", args=[draft.pk]),
        {"deputies": [cast.wang.deputy.pk], "version": draft.version + 7},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "您的操作未保存" in page
    assert f'value="{cast.wang.deputy.pk}" checked' in page  # the tick is kept


def test_the_invited_deputy_answers_on_the_page_and_the_lead_submits(client, cast, before_deadline):
    draft = cast.invite(cast.draft(), cast.wang)
    client.force_login(cast.wang)
    page = client.get(reverse("drafts:detail", args=[draft.pk])).content.decode()
    assert "同意联名" in page and "修改草稿" not in page
    client.post(reverse("drafts:answer", args=[draft.pk]), {"answer": "accept"})
    assert draft.invitations.get().status == InvitationStatus.ACCEPTED

    client.force_login(cast.lead)
    draft.refresh_from_db()
    page = client.get(reverse("drafts:detail", args=[draft.pk])).content.decode()
    assert "提交建议" in page
    response = client.post(reverse("drafts:submit", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED


def test_a_refused_action_comes_back_as_a_message(client, cast, before_deadline):
    draft = cast.invite(cast.draft(), cast.sun)
    client.force_login(cast.lead)
    response = client.post(
        reverse("drafts:submit", args=[draft.pk]), {"version": draft.version}, follow=True
    )
    assert "尚有1位代表（孙敏）未答复联名邀请" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.COSIGNING


def test_the_office_accepts_from_the_queue(client, cast, before_deadline):
    draft = cast.draft()
    from drafts import services

    services.draft_submit(draft=draft, actor=cast.lead, expected_version=draft.version)
    client.force_login(cast.office)
    page = client.get(reverse("drafts:review")).content.decode()
    assert "关于增设社区养老服务点的建议" in page
    draft.refresh_from_db()
    response = client.post(
        reverse("drafts:accept", args=[draft.pk]), {"version": draft.version, "as": "suggestion"}
    )
    suggestion = Suggestion.objects.get()
    assert response["Location"] == reverse("suggestions:detail", args=[suggestion.pk])


def test_the_office_declines_only_with_a_reason(client, cast, before_deadline):
    draft = cast.draft()
    from drafts import services

    services.draft_submit(draft=draft, actor=cast.lead, expected_version=draft.version)
    draft.refresh_from_db()
    client.force_login(cast.office)
    response = client.post(
        reverse("drafts:decline", args=[draft.pk]), {"version": draft.version, "reason": ""}
    )
    assert response.status_code == 400
    assert "请填写不予受理的理由，代表将看到该理由。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED


def test_nobody_reaches_another_deputys_draft(client, cast):
    draft = cast.draft()
    client.force_login(cast.zhao)  # not invited
    for name in ("detail", "edit", "invite"):
        assert client.get(reverse(f"drafts:{name}", args=[draft.pk])).status_code == 404
    assert client.post(reverse("drafts:submit", args=[draft.pk]), {"version": 1}).status_code == 404
    # The office sees a draft only once it is submitted.
    client.force_login(cast.office)
    assert client.get(reverse("drafts:review_detail", args=[draft.pk])).status_code == 404


def test_handlers_supervisors_and_deputies_stay_out_of_the_office_queue(client, cast):
    handler = handler_user(DepartmentFactory(name="区民政局"))
    for user, status in ((handler, 403), (supervisor_user(), 403), (cast.lead, 404)):
        client.force_login(user)
        assert client.get(reverse("drafts:review")).status_code == status, user
    client.force_login(handler)
    assert client.get(reverse("drafts:home")).status_code == 404  # the deputy's pages


def test_a_draft_notice_opens_the_draft_for_each_reader(client, cast, before_deadline):
    draft = cast.invite(cast.draft(), cast.wang)
    notice = Notification.objects.get(recipient=cast.wang, kind=NoticeKind.DRAFT_INVITED)
    client.force_login(cast.wang)
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response["Location"] == reverse("drafts:detail", args=[draft.pk])
    assert "联名邀请" in client.get(reverse("notices:list")).content.decode()

    from drafts import services

    draft.refresh_from_db()
    services.invitation_withdraw(
        draft=draft, actor=cast.lead, expected_version=draft.version, deputy=cast.wang.deputy
    )
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404


def test_no_query_parameter_breaks_the_picker_or_the_queue(client, cast, before_deadline):
    draft = cast.draft()
    client.force_login(cast.lead)
    for q in ("%", "'", "x" * 500, "\x00"):
        response = client.get(reverse("drafts:invite", args=[draft.pk]), {"q": q})
        assert response.status_code == 200, q
    client.force_login(cast.office)
    assert client.get(reverse("drafts:review"), {"show": "<b>"}).status_code == 200
