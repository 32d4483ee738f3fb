"""Every write of 办理结果公开, in the house's shape: keyword-only, one transaction, the
actor's right and the item's state checked, the row locked and its version compared, the
history written with the change (simple_history records who and when).

The security audit event (Kind.PUBLICATION) is written by the view after the transaction,
as for every other audited action, so a refused change is recorded too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from departments import roles
from departments.models import User
from publication.masking import mask
from publication.models import Disclosure
from suggestions.bounds import check_text
from suggestions.models import Reply
from suggestions.models import Status

Decision = Disclosure.Decision
Reason = Disclosure.Reason

PUBLISH_REFUSED = "只有区政府办公室工作人员可以设置答复的公开属性。"
CONFLICT = "该答复的公开属性已被{who}修改，您的修改未保存。请查看最新设置后重新操作。"


def _refuse(message: str, code: str = "invalid") -> None:
    raise ValidationError(message, code=code)


def _check(reply: Reply, decision: str, reason: str, note: str) -> None:
    if decision not in Decision.values:
        _refuse("请选择“公开”或“不公开”。", code="decision")
    if decision == Decision.PUBLIC and reason:
        _refuse("公开的答复不需要填写不公开理由。", code="reason")
    if decision == Decision.NOT_PUBLIC and reason not in Reason.values:
        _refuse("不公开的答复须选择理由：涉及国家秘密、商业秘密、个人隐私或其他。", code="reason")
    if reason == Reason.OTHER and not note.strip():
        _refuse("不公开理由为“其他”时须填写说明。", code="note")
    check_text(note=note)
    if decision == Decision.PUBLIC and reply.suggestion.status == Status.VOIDED:
        _refuse("该建议已作废，其答复不能公开。", code="state")


def _locked(reply: Reply, expected_version: int | None) -> Disclosure | None:
    """The reply's decision, locked; refuses a version the caller did not read."""
    Reply.objects.select_for_update().filter(pk=reply.pk).exists()
    current = Disclosure.objects.select_for_update().filter(reply=reply).first()
    seen = current.version if current else 0
    if expected_version is not None and expected_version != seen:
        who = f"{current.decided_by}" if current else "他人"
        raise ValidationError(CONFLICT.format(who=who), code="conflict")
    return current


@transaction.atomic
def disclosure_decide(
    *,
    reply: Reply,
    decision: str,
    reason: str = "",
    note: str = "",
    actor: User,
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Disclosure:
    """Mark one reply 公开, or 不公开 with a reason (DESIGN §10). `expected_version` is the
    decision's version the user saw (0: none yet)."""
    if not roles.may_publish(actor):
        _refuse(PUBLISH_REFUSED, code="permission")
    reply = Reply.objects.select_related("suggestion").get(pk=reply.pk)
    _check(reply, decision, reason, note)
    now = when or timezone.now()
    disclosure = _locked(reply, expected_version) or Disclosure(reply=reply, version=0)
    disclosure.decision = decision
    disclosure.reason = reason if decision == Decision.NOT_PUBLIC else ""
    disclosure.note = note.strip()
    disclosure.public_text = mask(reply.text)
    disclosure.decided_by = actor
    disclosure.decided_at = now
    if decision == Decision.PUBLIC and disclosure.first_published_at is None:
        disclosure.first_published_at = now
    disclosure.version += 1
    disclosure._history_user = actor
    disclosure.save()
    return disclosure


@transaction.atomic
def disclosure_bulk_publish(
    *, replies: Iterable[Reply], actor: User, when: dt.datetime | None = None
) -> list[Disclosure]:
    """Mark several replies 公开 at once (the office's list): all or none."""
    if not roles.may_publish(actor):
        _refuse(PUBLISH_REFUSED, code="permission")
    return [
        disclosure_decide(reply=reply, decision=Decision.PUBLIC, actor=actor, when=when)
        for reply in replies
    ]
