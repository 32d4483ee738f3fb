"""Online drafting (DESIGN §10) in the house's shape: keyword-only services, each locking
the draft with the version check, asking its rule (drafts.rules), writing the change and
its timeline event in one transaction, and leaving notices (notices.services) that the
worker delivers after the commit.

The office's acceptance registers the item through `suggestions.services.suggestion_create`
— the service a typed-in suggestion goes through — with the co-signers who agreed, and
nobody else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from departments import roles
from departments.models import CongressSession
from departments.models import Deputy
from departments.models import User
from drafts import rules
from drafts.models import CosignDeadline
from drafts.models import Draft
from drafts.models import DraftEvent
from drafts.models import DraftStatus
from drafts.models import Invitation
from drafts.models import InvitationStatus
from drafts.rules import DraftState
from notices import services as notices
from suggestions import services as suggestion_services
from suggestions.bounds import check_text
from suggestions.models import Kind
from suggestions.models import Suggestion
from suggestions.models import Topic
from suggestions.services.intake import validate_suggestion_fields

MAX_INVITATIONS = 50


class DraftConflict(ValidationError):
    """The draft changed since the caller read it."""


def _lock(draft: Draft, expected_version: int | None) -> Draft:
    locked = Draft.objects.select_for_update().select_related("lead_deputy").get(pk=draft.pk)
    if expected_version is not None and locked.version != expected_version:
        raise DraftConflict(
            "该草稿已在别处被修改或处理，您的操作未保存。请查看最新内容后重新操作。",
            code="conflict",
        )
    return locked


def _begin(draft: Draft, expected_version: int | None, when, check, actor: User):
    """Lock, then ask the rule: every service's first step."""
    locked = _lock(draft, expected_version)
    state = DraftState.load(locked, now=when)
    return locked, state, check(state, actor)


def _save(draft: Draft, actor: User, action: str, when, *, note: str = "") -> Draft:
    """Save the draft with a new version and write its timeline event."""
    draft.version += 1
    draft.save()
    _event(draft, actor, action, when, note=note)
    return draft


def _event(draft: Draft, actor: User, action: str, when, *, note: str = "") -> DraftEvent:
    return DraftEvent.objects.create(
        draft=draft, action=action, actor=actor, occurred_at=when or timezone.now(), note=note
    )


def _check_fields(*, title: str, content: str, topic: str, source: str, session) -> None:
    check_text(title=title, content=content)
    validate_suggestion_fields(
        {
            "title": title,
            "content": content,
            "topic": topic,
            "source": source,
            "session": session,
            "kind": Kind.SUGGESTION,
        }
    )


# ---------------------------------------------------------------------------------------
# The lead deputy


@transaction.atomic
def draft_create(
    *,
    actor: User,
    title: str,
    source: str,
    content: str = "",
    topic: str = Topic.OTHER,
    session: CongressSession | None = None,
    when: dt.datetime | None = None,
) -> Draft:
    deputy = getattr(actor, "deputy", None) if roles.is_deputy(actor) else None
    if deputy is None or not deputy.is_active:
        raise ValidationError("只有在任代表可以在网上起草建议。", code="permission")
    _check_fields(title=title, content=content, topic=topic, source=source, session=session)
    draft = Draft.objects.create(
        lead_deputy=deputy,
        title=title.strip(),
        content=content,
        topic=topic or Topic.OTHER,
        source=source,
        session=session,
    )
    _event(draft, actor, DraftEvent.Action.CREATE, when)
    return draft


@transaction.atomic
def draft_update(
    *,
    draft: Draft,
    actor: User,
    expected_version: int,
    title: str,
    source: str,
    content: str = "",
    topic: str = Topic.OTHER,
    session: CongressSession | None = None,
    when: dt.datetime | None = None,
) -> Draft:
    """Edit the draft. Co-signers agreed to the text they read: when title or content
    change, their agreement is asked for again."""
    d, state, _ = _begin(draft, expected_version, when, rules.check_edit, actor)
    _check_fields(title=title, content=content, topic=topic, source=source, session=session)
    text_changed = (d.title, d.content) != (title.strip(), content)
    d.title, d.content, d.topic = title.strip(), content, topic or Topic.OTHER
    d.source, d.session = source, session
    again = []
    if text_changed:
        again = [i for i in state.invitations if i.status == InvitationStatus.ACCEPTED]
        Invitation.objects.filter(pk__in=[i.pk for i in again]).update(
            status=InvitationStatus.PENDING, answered_at=None
        )
    note = f"内容已修改，{len(again)}位已同意联名的代表需重新确认" if again else ""
    _save(d, actor, DraftEvent.Action.EDIT, when, note=note)
    if again:
        notices.notify_draft_invited(draft=d, deputies=[i.deputy for i in again], again=True)
    return d


@transaction.atomic
def invitations_send(
    *,
    draft: Draft,
    actor: User,
    expected_version: int,
    deputies: Iterable[Deputy],
    when: dt.datetime | None = None,
) -> list[Invitation]:
    """Invite deputies with accounts to co-sign; the draft now gathers names."""
    d, state, _ = _begin(draft, expected_version, when, rules.check_invite, actor)
    invited = {i.deputy_id for i in state.invitations}
    chosen = [x for x in dict.fromkeys(deputies) if x.pk != d.lead_deputy_id]
    if not chosen:
        raise ValidationError("请选择要邀请联名的代表。", code="deputies")
    if len(invited | {x.pk for x in chosen}) > MAX_INVITATIONS:
        raise ValidationError(f"一件建议最多邀请{MAX_INVITATIONS}位代表联名。", code="deputies")
    _check_invitable(chosen, invited)
    rows = Invitation.objects.bulk_create(Invitation(draft=d, deputy=x) for x in chosen)
    d.status = DraftStatus.COSIGNING
    names = "、".join(x.name for x in chosen)
    _save(d, actor, DraftEvent.Action.INVITE, when, note=f"邀请{names}联名")
    notices.notify_draft_invited(draft=d, deputies=chosen)
    return rows


def _check_invitable(chosen: list[Deputy], invited: set[int]) -> None:
    for deputy in chosen:
        if deputy.pk in invited:
            raise ValidationError(f"已邀请过{deputy.name}代表。", code="deputies")
        if not deputy.is_active:
            raise ValidationError(f"{deputy.name}代表已不在任，不能邀请。", code="deputies")
    with_accounts = set(
        Deputy.objects.filter(
            pk__in=[x.pk for x in chosen], user__isnull=False, user__is_active=True
        ).values_list("pk", flat=True)
    )
    for deputy in chosen:
        if deputy.pk not in with_accounts:
            raise ValidationError(
                f"{deputy.name}代表尚未开通账号，无法在网上联名，请联系区政府办公室。",
                code="deputies",
            )


@transaction.atomic
def invitation_withdraw(
    *,
    draft: Draft,
    actor: User,
    expected_version: int,
    deputy: Deputy,
    when: dt.datetime | None = None,
) -> Draft:
    """Take back an unanswered invitation (so the draft can go before the deadline)."""
    d, state, _ = _begin(draft, expected_version, when, rules.check_withdraw, actor)
    waiting = next((i for i in state.pending() if i.deputy_id == deputy.pk), None)
    if waiting is None:
        raise ValidationError(f"{deputy.name}代表没有待回复的邀请。", code="state")
    waiting.delete()
    if len(state.invitations) == 1:
        d.status = DraftStatus.DRAFT
    return _save(
        d, actor, DraftEvent.Action.WITHDRAW_INVITE, when, note=f"撤回对{deputy.name}的邀请"
    )


@transaction.atomic
def draft_submit(
    *, draft: Draft, actor: User, expected_version: int, when: dt.datetime | None = None
) -> Draft:
    """Send the draft to the office. Invitations still unanswered after the deadline count
    as not signed."""
    d, state, _ = _begin(draft, expected_version, when, rules.check_submit, actor)
    d.status = DraftStatus.SUBMITTED
    d.submitted_at = when or timezone.now()
    signed = [i.deputy.name for i in state.invitations if i.status == InvitationStatus.ACCEPTED]
    note = f"联名代表：{'、'.join(signed)}" if signed else "无联名代表"
    _save(d, actor, DraftEvent.Action.SUBMIT, when, note=note)
    notices.notify_draft_submitted(draft=d)
    return d


# ---------------------------------------------------------------------------------------
# The invited deputy


@transaction.atomic
def invitation_answer(
    *, draft: Draft, actor: User, accept: bool, when: dt.datetime | None = None
) -> Invitation:
    """Agree or decline to co-sign, before the deadline. The draft's text is not changed,
    so its version stays: the lead's open edit form is not made stale by an answer."""
    d, _, invitation = _begin(draft, None, when, rules.check_answer, actor)
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.answered_at = when or timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    action = DraftEvent.Action.COSIGN if accept else DraftEvent.Action.DECLINE_COSIGN
    _event(d, actor, action, when, note=invitation.deputy.name)
    notices.notify_draft_answered(draft=d, invitation=invitation)
    return invitation


# ---------------------------------------------------------------------------------------
# The office


@transaction.atomic
def draft_accept(
    *,
    draft: Draft,
    actor: User,
    expected_version: int,
    convert: bool = False,
    when: dt.datetime | None = None,
) -> Suggestion:
    """Register the draft as a suggestion (or, `convert`, as a community opinion) through
    the registration service, with the co-signers who agreed; received on the day the
    deputy submitted it."""
    d, state, _ = _begin(draft, expected_version, when, rules.check_decide, actor)
    signed = [i.deputy for i in state.invitations if i.status == InvitationStatus.ACCEPTED]
    suggestion = suggestion_services.suggestion_create(
        actor=actor,
        title=d.title,
        content=d.content,
        topic=d.topic,
        lead_deputy=d.lead_deputy,
        co_signers=signed,
        kind=Kind.COMMUNITY_OPINION if convert else Kind.SUGGESTION,
        source=d.source,
        session=d.session,
        received_on=timezone.localdate(d.submitted_at),
        when=when,
        via=f"代表网上提交，{d.code}",
    )
    d.status = DraftStatus.CONVERTED if convert else DraftStatus.ACCEPTED
    d.suggestion, d.decided_by, d.decided_at = suggestion, actor, when or timezone.now()
    action = DraftEvent.Action.CONVERT if convert else DraftEvent.Action.ACCEPT
    _save(d, actor, action, when, note=f"登记为{suggestion.code}")
    notices.notify_draft_decided(draft=d)
    return suggestion


@transaction.atomic
def draft_decline(
    *, draft: Draft, actor: User, expected_version: int, reason: str, when=None
) -> Draft:
    d, _, _ = _begin(draft, expected_version, when, rules.check_decide, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写不予受理的理由，代表将看到该理由。", code="reason")
    check_text(reason=reason)
    d.status, d.decline_reason = DraftStatus.DECLINED, reason
    d.decided_by, d.decided_at = actor, when or timezone.now()
    _save(d, actor, DraftEvent.Action.DECLINE, when, note=reason[:500])
    notices.notify_draft_decided(draft=d)
    return d


@transaction.atomic
def cosign_deadline_set(
    *, session: CongressSession, closes_at: dt.datetime, actor: User
) -> CosignDeadline:
    """The office sets (or moves) the co-signing deadline of a session's drafts."""
    if not roles.is_office(actor):
        raise ValidationError("只有区政府办公室工作人员可以设置联名截止时间。", code="permission")
    deadline, _ = CosignDeadline.objects.update_or_create(
        session=session, defaults={"closes_at": closes_at, "set_by": actor}
    )
    return deadline
