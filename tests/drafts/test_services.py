"""Drafting, co-signing and the office's decision (DESIGN §10), through the services: each
rule and refusal, the timeline, the notices, and the suggestion an acceptance registers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from drafts import services
from drafts.models import DraftEvent
from drafts.models import DraftStatus
from drafts.models import InvitationStatus
from notices.models import Kind as NoticeKind
from notices.models import Notification
from suggestions.models import Event
from suggestions.models import Kind
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.drafts.conftest import AFTER
from tests.drafts.conftest import BEFORE

pytestmark = pytest.mark.django_db


def refusal(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value


def answer(draft, user, accept=True, when=BEFORE):
    return services.invitation_answer(draft=draft, actor=user, accept=accept, when=when)


def submit(cast, draft, when=BEFORE):
    draft.refresh_from_db()
    return services.draft_submit(
        draft=draft, actor=cast.lead, expected_version=draft.version, when=when
    )


def test_drafting_cosigning_and_acceptance_register_one_suggestion_with_the_cosigners(cast):
    draft = cast.invite(cast.draft(), cast.wang, cast.zhao)
    assert draft.status == DraftStatus.COSIGNING
    answer(draft, cast.wang, accept=True)
    answer(draft, cast.zhao, accept=False)
    submit(cast, draft)
    draft.refresh_from_db()

    suggestion = services.draft_accept(
        draft=draft, actor=cast.office, expected_version=draft.version, when=AFTER
    )

    assert Suggestion.objects.count() == 1
    assert suggestion.kind == Kind.SUGGESTION
    assert suggestion.status == Status.DRAFT  # registered, waiting to be assigned
    assert suggestion.title == "关于增设社区养老服务点的建议"
    assert suggestion.lead_deputy == cast.lead_deputy
    assert suggestion.session == cast.session
    assert suggestion.received_on == BEFORE.date()  # the day the deputy submitted it
    assert [d.name for d in suggestion.co_signers.all()] == ["王丽"]  # 赵强 declined
    registered = Event.objects.get(suggestion=suggestion, action=Event.Action.CREATE)
    assert registered.note == f"登记为{suggestion.code}（代表网上提交，网上建议草稿{draft.pk}号）"
    draft.refresh_from_db()
    assert (draft.status, draft.suggestion, draft.decided_by) == (
        DraftStatus.ACCEPTED,
        suggestion,
        cast.office,
    )
    assert list(draft.events.values_list("action", flat=True)) == [
        DraftEvent.Action.CREATE,
        DraftEvent.Action.INVITE,
        DraftEvent.Action.COSIGN,
        DraftEvent.Action.DECLINE_COSIGN,
        DraftEvent.Action.SUBMIT,
        DraftEvent.Action.ACCEPT,
    ]


def test_a_declined_invitation_leaves_the_deputy_off(cast):
    draft = cast.invite(cast.draft(), cast.zhao)
    answer(draft, cast.zhao, accept=False)
    submit(cast, draft)
    draft.refresh_from_db()
    suggestion = services.draft_accept(
        draft=draft, actor=cast.office, expected_version=draft.version
    )
    assert suggestion.co_signers.count() == 0


def test_unanswered_invitations_block_submission_until_the_deadline_then_count_as_unsigned(cast):
    draft = cast.invite(cast.draft(), cast.wang, cast.sun)
    answer(draft, cast.wang)
    draft.refresh_from_db()
    refused = refusal(
        services.draft_submit,
        draft=draft,
        actor=cast.lead,
        expected_version=draft.version,
        when=BEFORE,
    )
    assert refused.code == "pending"
    assert "孙敏" in refused.messages[0]

    submit(cast, draft, when=AFTER)  # the deadline passed: 孙敏 did not sign
    draft.refresh_from_db()
    suggestion = services.draft_accept(
        draft=draft, actor=cast.office, expected_version=draft.version
    )
    assert [d.name for d in suggestion.co_signers.all()] == ["王丽"]


def test_withdrawing_the_unanswered_invitation_lets_the_lead_submit_before_the_deadline(cast):
    draft = cast.invite(cast.draft(), cast.sun)
    services.invitation_withdraw(
        draft=draft,
        actor=cast.lead,
        expected_version=draft.version,
        deputy=cast.sun.deputy,
        when=BEFORE,
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT
    assert not draft.invitations.exists()
    submit(cast, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED


def test_after_the_deadline_nobody_answers_or_is_invited(cast):
    draft = cast.invite(cast.draft(), cast.wang)
    refused = refusal(
        services.invitation_answer, draft=draft, actor=cast.wang, accept=True, when=AFTER
    )
    assert refused.code == "deadline"
    assert "2026-03-05 17:00" in refused.messages[0]
    refused = refusal(
        services.invitations_send,
        draft=draft,
        actor=cast.lead,
        expected_version=draft.version,
        deputies=[cast.zhao.deputy],
        when=AFTER,
    )
    assert refused.code == "deadline"


def test_a_recess_draft_has_no_office_deadline(cast):
    draft = cast.invite(cast.draft(source=Source.RECESS, session=None), cast.wang)
    answer(draft, cast.wang, when=AFTER + dt.timedelta(days=300))
    assert draft.invitations.get().status == InvitationStatus.ACCEPTED


def test_only_the_invited_deputy_answers_and_only_once(cast):
    draft = cast.invite(cast.draft(), cast.wang)
    assert (
        refusal(
            services.invitation_answer, draft=draft, actor=cast.zhao, accept=True, when=BEFORE
        ).code
        == "permission"
    )
    assert (
        refusal(
            services.invitation_answer, draft=draft, actor=cast.lead, accept=True, when=BEFORE
        ).code
        == "permission"
    )
    answer(draft, cast.wang)
    again = refusal(
        services.invitation_answer, draft=draft, actor=cast.wang, accept=False, when=BEFORE
    )
    assert (again.code, again.messages) == ("state", ["您已答复过该邀请（已同意），不能重复答复。"])


def test_only_the_lead_edits_invites_and_submits(cast):
    draft = cast.draft()
    for call, extra in (
        (services.draft_update, {"title": "改", "source": Source.RECESS}),
        (services.invitations_send, {"deputies": [cast.zhao.deputy]}),
        (services.draft_submit, {}),
    ):
        refused = refusal(
            call, draft=draft, actor=cast.wang, expected_version=draft.version, **extra
        )
        assert refused.code == "permission", call
        assert refused.messages[0].startswith("只有领衔代表本人可以"), refused.messages
    assert (
        refusal(
            services.draft_accept, draft=draft, actor=cast.lead, expected_version=draft.version
        ).code
        == "permission"
    )


def test_invitations_go_only_to_serving_deputies_with_accounts_and_once(cast):
    draft = cast.draft()
    refused = refusal(
        services.invitations_send,
        draft=draft,
        actor=cast.lead,
        expected_version=draft.version,
        deputies=[cast.no_account],
        when=BEFORE,
    )
    assert refused.messages == ["钱进代表尚未开通账号，无法在网上联名，请联系区政府办公室。"]
    draft = cast.invite(draft, cast.wang)
    refused = refusal(
        services.invitations_send,
        draft=draft,
        actor=cast.lead,
        expected_version=draft.version,
        deputies=[cast.wang.deputy],
        when=BEFORE,
    )
    assert refused.messages == ["已邀请过王丽代表。"]
    refused = refusal(
        services.invitations_send,
        draft=draft,
        actor=cast.lead,
        expected_version=draft.version,
        deputies=[cast.lead_deputy],
        when=BEFORE,
    )
    assert refused.messages == ["请选择要邀请联名的代表。"]


def test_editing_the_text_asks_the_cosigners_again(cast):
    draft = cast.invite(cast.draft(), cast.wang)
    answer(draft, cast.wang)
    draft.refresh_from_db()
    services.draft_update(
        draft=draft,
        actor=cast.lead,
        expected_version=draft.version,
        title=draft.title,
        content="建议在各街道增设社区养老服务点，并配备助餐服务。",
        source=draft.source,
        session=draft.session,
        when=BEFORE,
    )
    assert draft.invitations.get().status == InvitationStatus.PENDING
    edit = draft.events.get(action=DraftEvent.Action.EDIT)
    assert edit.note == "内容已修改，1位已同意联名的代表需重新确认"
    texts = Notification.objects.filter(
        recipient=cast.wang, kind=NoticeKind.DRAFT_INVITED
    ).values_list("text", flat=True)
    assert "陈建华代表修改了建议《关于增设社区养老服务点的建议》，请重新确认是否联名。" in texts


def test_a_stale_version_is_refused_with_a_conflict(cast):
    draft = cast.draft()
    stale = draft.version
    cast.invite(draft, cast.wang)
    refused = refusal(
        services.draft_submit, draft=draft, actor=cast.lead, expected_version=stale, when=BEFORE
    )
    assert refused.code == "conflict"
    assert "您的操作未保存" in refused.messages[0]


def test_submission_needs_content_and_a_session_draft_needs_its_session(cast):
    draft = cast.draft(content="")
    assert (
        refusal(
            services.draft_submit,
            draft=draft,
            actor=cast.lead,
            expected_version=draft.version,
            when=BEFORE,
        ).code
        == "content"
    )
    refused = refusal(cast.draft, session=None)
    assert refused.code == "session"


def test_the_office_converts_to_a_community_opinion_or_declines_with_a_reason(cast):
    first = cast.draft()
    submit(cast, first)
    first.refresh_from_db()
    opinion = services.draft_accept(
        draft=first, actor=cast.office, expected_version=first.version, convert=True
    )
    assert opinion.kind == Kind.COMMUNITY_OPINION
    first.refresh_from_db()
    assert first.status == DraftStatus.CONVERTED

    second = cast.draft(title="关于延长图书馆开放时间的建议")
    submit(cast, second)
    second.refresh_from_db()
    assert (
        refusal(
            services.draft_decline,
            draft=second,
            actor=cast.office,
            expected_version=second.version,
            reason="  ",
        ).code
        == "reason"
    )
    services.draft_decline(
        draft=second,
        actor=cast.office,
        expected_version=second.version,
        reason="所提事项属区图书馆自主管理范围，已转交该馆研究。",
    )
    second.refresh_from_db()
    assert second.status == DraftStatus.DECLINED
    assert Suggestion.objects.count() == 1
    # Decided once: a second decision is refused.
    assert (
        refusal(
            services.draft_accept, draft=second, actor=cast.office, expected_version=second.version
        ).code
        == "state"
    )


def test_each_step_notifies_the_people_it_concerns(cast):
    draft = cast.invite(cast.draft(), cast.wang)
    answer(draft, cast.wang)
    submit(cast, draft)
    draft.refresh_from_db()
    suggestion = services.draft_accept(
        draft=draft, actor=cast.office, expected_version=draft.version
    )

    def kinds(user):
        return set(
            Notification.objects.filter(recipient=user, draft=draft).values_list("kind", flat=True)
        )

    assert kinds(cast.wang) == {NoticeKind.DRAFT_INVITED, NoticeKind.DRAFT_DECIDED}
    assert kinds(cast.lead) == {NoticeKind.DRAFT_ANSWERED, NoticeKind.DRAFT_DECIDED}
    assert kinds(cast.office) == {NoticeKind.DRAFT_SUBMITTED}
    decided = Notification.objects.get(recipient=cast.lead, kind=NoticeKind.DRAFT_DECIDED)
    assert decided.text == (
        f"您网上提交的建议《关于增设社区养老服务点的建议》已受理，编号{suggestion.code}。"
    )
    assert decided.suggestion_id is None and decided.draft_id == draft.pk
