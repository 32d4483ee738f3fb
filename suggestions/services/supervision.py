"""Follow-up records (走访、回访、面商、督办、抽查、跟踪复查) and key supervision (重点督办)."""

from __future__ import annotations

import datetime as dt
import mimetypes
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.core.files.base import File
from django.db import transaction

from departments.models import User
from notices import services as notices
from suggestions.bounds import check_text
from suggestions.models import Assignment
from suggestions.models import Event
from suggestions.models import FollowUp
from suggestions.models import FollowUpEvidence
from suggestions.models import Outcome
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.services._steps import _begin
from suggestions.services._steps import _check_date
from suggestions.services._steps import _lock
from suggestions.services._steps import _refuse
from suggestions.services._steps import _require_status
from suggestions.services._steps import _save
from suggestions.services._steps import _save_record
from suggestions.services._steps import _state
from suggestions.services._steps import _today
from suggestions.services.reply import OUTCOME_FIELDS
from suggestions.services.reply import _record_outcome
from suggestions.services.reply import _short_name
from suggestions.services.rules import _check_follow_up
from suggestions.services.rules import _check_key_supervision


@transaction.atomic
def follow_up_record(
    *,
    suggestion: Suggestion,
    actor: User,
    kind: str,
    findings: str,
    happened_on: dt.date | None = None,
    participants: str = "",
    consistent_with_reply: bool | None = None,
    new_outcome: str = "",
    evidence: Sequence[File] = (),
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> FollowUp:
    """走访、回访、面商、督办、抽查、跟踪复查. A re-check may change the outcome, with evidence.
    `evidence`: files already checked by type and content (forms.validate_evidence), at
    most FollowUpEvidence.MAX_PER_RECORD; stored under random names, removed again if the
    record is not saved."""
    check_text(findings=findings, participants=participants)
    if len(evidence) > FollowUpEvidence.MAX_PER_RECORD:
        _refuse(
            f"每条跟踪记录最多上传{FollowUpEvidence.MAX_PER_RECORD}个证明材料。", code="evidence"
        )
    s = _lock(suggestion, expected_version)
    if kind not in FollowUp.Kind.values:
        _refuse("跟踪方式不正确。", code="kind")
    label = FollowUp.Kind(kind).label
    department = _check_follow_up(_state(s, when), actor, kind)
    if kind in (FollowUp.Kind.SPOT_CHECK, FollowUp.Kind.RECHECK) and not s.outcome:
        _refuse(f"建议尚未办复，不能{label}。", code="state")
    if not findings.strip():
        _refuse("请填写情况与结论。", code="findings")
    if new_outcome:
        _check_new_outcome(s, kind, new_outcome)
    today = _today(when)
    happened_on = happened_on or today
    _check_date(happened_on, not_before=s.assigned_on, today=today, what="跟踪日期")
    if new_outcome:
        last = (
            s.outcome_changes.order_by("-effective_on")
            .values_list("effective_on", flat=True)
            .first()
        )
        if last and happened_on < last:
            _refuse(f"复查日期不能早于最近一次办理结果的日期（{last:%Y-%m-%d}）。", code="date")
    follow_up = _save_record(
        FollowUp(
            suggestion=s,
            kind=kind,
            happened_on=happened_on,
            department=department,
            participants=participants.strip(),
            findings=findings.strip(),
            consistent_with_reply=consistent_with_reply,
            created_by=actor,
        ),
        actor,
    )
    stored: list[FollowUpEvidence] = []
    try:
        for upload in evidence:
            stored.append(_store_evidence(follow_up, upload, actor))
        _record_follow_up(
            s, follow_up, new_outcome=new_outcome, files=len(stored), actor=actor, when=when
        )
    except BaseException:
        # The rows are rolled back with the transaction; the files would stay behind.
        for item in stored:
            item.file.storage.delete(item.file.name)
        raise
    return follow_up


def _check_new_outcome(s: Suggestion, kind: str, new_outcome: str) -> None:
    if kind != FollowUp.Kind.RECHECK:
        _refuse("只有跟踪复查可以变更办理结果。", code="outcome")
    if new_outcome not in Outcome.values:
        _refuse("办理结果不正确。", code="outcome")
    if new_outcome == s.outcome:
        _refuse(f"办理结果已是“{s.get_outcome_display()}”，无需变更。", code="outcome")
    _require_status(s, [Status.REPLIED, Status.CLOSED], "变更办理结果")


def _store_evidence(follow_up: FollowUp, upload: File, actor: User) -> FollowUpEvidence:
    name = _short_name(getattr(upload, "name", ""), default="证明材料")
    suffix = Path(name).suffix.lower()
    item = FollowUpEvidence(
        follow_up=follow_up,
        name=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=upload.size,
        uploaded_by=actor,
    )
    item.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    item.save()
    return item


def _record_follow_up(
    s: Suggestion,
    follow_up: FollowUp,
    *,
    new_outcome: str,
    files: int,
    actor: User,
    when: dt.datetime | None,
) -> None:
    """The follow-up's outcome change (a re-check), the item's event and the notices."""
    kind, happened_on, department = follow_up.kind, follow_up.happened_on, follow_up.department
    label = FollowUp.Kind(kind).label
    fields: list[str] = []
    action = Event.Action.FOLLOW_UP
    note = f"{label}：{follow_up.findings}"
    if new_outcome:
        change = _record_outcome(
            s,
            to_outcome=new_outcome,
            effective_on=happened_on,
            actor=actor,
            follow_up=follow_up,
            evidence=follow_up.findings,
            # A re-check that leaves the item in progress keeps the promise it had.
            promised_on=s.promised_on,
        )
        fields += OUTCOME_FIELDS
        action = Event.Action.RECHECK
        note = (
            f"跟踪复查，办理结果由“{change.get_from_outcome_display()}”变更为"
            f"“{change.get_to_outcome_display()}”：{follow_up.findings}"
        )
    if files:
        note += f"（附证明材料{files}个）"
    _save(s, actor, action, when, fields=fields, note=note, department=department)
    if kind == FollowUp.Kind.SUPERVISION:
        owed = [department.pk] if department else _lead_departments(s)
        notices.notify_supervision(suggestion=s, department_ids=owed, key=False)


def _lead_departments(s: Suggestion) -> list[int]:
    return list(
        Assignment.objects.filter(
            suggestion=s, is_active=True, role=Assignment.Role.LEAD
        ).values_list("department_id", flat=True)
    )


@transaction.atomic
def suggestion_set_key_supervision(
    *,
    suggestion: Suggestion,
    actor: User,
    key_supervision: bool,
    note: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    check_text(note=note)
    s, _ = _begin(suggestion, expected_version, when, _check_key_supervision, actor)
    if s.key_supervision == key_supervision:
        _refuse(
            "该建议已是重点督办件。" if key_supervision else "该建议不是重点督办件。", code="state"
        )
    s.key_supervision = key_supervision
    text = "列为重点督办" if key_supervision else "取消重点督办"
    _save(
        s,
        actor,
        Event.Action.KEY_SUPERVISION,
        when,
        fields=["key_supervision"],
        note=f"{text}。{note.strip()}" if note.strip() else f"{text}。",
    )
    if key_supervision:
        notices.notify_supervision(
            suggestion=s, department_ids=_lead_departments(s), key=True, note=note.strip()
        )
    return s
