"""The shared steps of every service: lock and version check, refusals, the item's state
as the rules see it, saving with the timeline event and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from departments import roles
from departments.models import Department
from departments.models import User
from suggestions.models import Assignment
from suggestions.models import Event
from suggestions.models import ExtensionRequest
from suggestions.models import HandlingPolicy
from suggestions.models import ReplyDraft
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from suggestions.models import Status
from suggestions.models import Suggestion

OPEN_DRAFT_STAGES = (ReplyDraft.Stage.COUNTERSIGN, ReplyDraft.Stage.REVIEW)


class VersionConflict(ValidationError):
    """The item changed since the caller read it; the API answers 409."""


def _refuse(message: str, code: str = "invalid") -> None:
    raise ValidationError(message, code=code)


def _today(when: dt.datetime | None) -> dt.date:
    return timezone.localdate(when) if when else timezone.localdate()


def _lock(suggestion: Suggestion, expected_version: int | None) -> Suggestion:
    """A fresh, locked copy of the item; refuses a version the caller did not read.

    On PostgreSQL the row lock serialises concurrent transitions; on SQLite every write
    transaction starts IMMEDIATE (settings), which serialises them the same way.
    """
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if expected_version is not None and locked.version != expected_version:
        raise version_conflict(locked, expected_version)
    return locked


def version_conflict(suggestion: Suggestion, expected_version: int) -> VersionConflict:
    """The refusal for an edit made on version `expected_version`: says who changed it."""
    last = (
        Event.objects.filter(suggestion=suggestion)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
        .first()
    )
    who = f"{last.actor}于{timezone.localtime(last.occurred_at):%Y-%m-%d %H:%M}" if last else "他人"
    return VersionConflict(
        f"该建议已被{who}修改，您的修改未保存。请查看最新内容后重新操作。",
        code="conflict",
    )


def _require_status(suggestion: Suggestion, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if suggestion.status not in allowed:
        labels = "、".join(Status(s).label for s in allowed)
        _refuse(
            f"该建议当前状态为“{suggestion.get_status_display()}”，不能{doing}"
            f"（仅限“{labels}”状态）。",
            code="state",
        )


def _require_office(actor: User, doing: str) -> None:
    if not roles.is_office(actor):
        _refuse(f"只有区政府办公室工作人员可以{doing}。", code="permission")


@dataclass
class ItemState:
    """What the rules look at: the item, its active assignments and pending requests.

    Services load it from the locked row; pages load it to show only the actions the user
    may take now. Both then ask the same check functions below.
    """

    suggestion: Suggestion
    assignments: list[Assignment]
    pending_returns: list[ReturnRequest]
    pending_extensions: list[ExtensionRequest]
    today: dt.date
    # Read only while a reply is owed (DESIGN §11): the switches and the draft in play.
    policy: HandlingPolicy | None = None
    draft: ReplyDraft | None = None

    @classmethod
    def load(
        cls,
        suggestion: Suggestion,
        *,
        today: dt.date,
        assignments: list[Assignment] | None = None,
    ) -> ItemState:
        if assignments is None:
            assignments = list(
                Assignment.objects.filter(suggestion=suggestion, is_active=True).select_related(
                    "department"
                )
            )
        assignments = [a for a in assignments if a.is_active]
        ids = [a.pk for a in assignments]
        pending = {"assignment_id__in": ids, "status": RequestStatus.PENDING}
        return cls(
            suggestion=suggestion,
            assignments=assignments,
            pending_returns=list(ReturnRequest.objects.filter(**pending)) if ids else [],
            pending_extensions=list(ExtensionRequest.objects.filter(**pending)) if ids else [],
            today=today,
            **cls._reply_stage(suggestion),
        )

    @staticmethod
    def _reply_stage(suggestion: Suggestion) -> dict:
        if suggestion.status not in (Status.IN_PROGRESS, Status.REWORK):
            return {}
        drafts = ReplyDraft.objects.filter(suggestion=suggestion, stage__in=OPEN_DRAFT_STAGES)
        return {
            "policy": HandlingPolicy.current(),
            "draft": drafts.select_related("department", "created_by")
            .prefetch_related("countersigns")
            .first(),
        }

    @property
    def has_reply(self) -> bool:
        return self.suggestion.first_replied_on is not None

    @property
    def co_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.role == Assignment.Role.CO]

    @property
    def needs_countersign(self) -> bool:
        return bool(self.policy and self.policy.countersign and self.co_assignments)

    @property
    def countersign_rows(self) -> list[tuple[Assignment, Any]]:
        """Each co department with its countersign of the draft in play (None: not yet)."""
        signs = {c.department_id: c for c in self.draft.countersigns.all()} if self.draft else {}
        return [(a, signs.get(a.department_id)) for a in self.co_assignments]

    @property
    def reply_goes_through_draft(self) -> bool:
        """A switch of DESIGN §11 applies: the lead's reply is a draft first."""
        return bool(self.policy and self.policy.reply_review) or self.needs_countersign


def _held(state: ItemState, actor: User, role: str | None, doing: str) -> Assignment:
    """The acting handler's active assignment on the item, or a refusal."""
    if not roles.is_handler(actor):
        _refuse(f"只有承办单位经办人可以{doing}。", code="permission")
    for assignment in state.assignments:
        if assignment.department_id == actor.department_id and role in (None, assignment.role):
            return assignment
    what = {"lead": "主办", "co": "会办"}.get(role or "", "承办")
    _refuse(f"您所在单位不是该建议的{what}单位，不能{doing}。", code="permission")


def _require_not_voided(state: ItemState, doing: str) -> None:
    if state.suggestion.status == Status.VOIDED:
        _refuse(f"该建议已作废，不能{doing}。", code="state")


def _state(s: Suggestion, when: dt.datetime | None) -> ItemState:
    return ItemState.load(s, today=_today(when))


def _begin(
    suggestion: Suggestion,
    expected_version: int | None,
    when: dt.datetime | None,
    check: Callable[..., Any],
    actor: User,
) -> tuple[Suggestion, Any]:
    """Every service's first step: lock the item (with the version check) and ask the
    action's rule; returns the locked item and what the rule found (e.g. the assignment)."""
    s = _lock(suggestion, expected_version)
    return s, check(_state(s, when), actor)


def _save(
    suggestion: Suggestion,
    actor: User,
    action: str,
    when: dt.datetime | None,
    *,
    fields: Iterable[str] = (),
    from_status: str = "",
    note: str = "",
    department: Department | None = None,
    close_reason: str = "",
) -> Suggestion:
    """Save the item with a new version and write its timeline event."""
    suggestion.version += 1
    suggestion._history_user = actor
    suggestion.save(update_fields=[*set(fields), "version", "updated_at"])
    Event.objects.create(
        suggestion=suggestion,
        action=action,
        actor=actor,
        department=department if department is not None else actor.department,
        occurred_at=when or timezone.now(),
        from_status=from_status,
        to_status=suggestion.status if from_status and from_status != suggestion.status else "",
        note=note,
        close_reason=close_reason,
    )
    return suggestion


def _save_record(record, actor: User, **kwargs):
    record._history_user = actor
    record.save(**kwargs)
    return record


def _check_date(day: dt.date, *, not_before: dt.date | None, today: dt.date, what: str) -> None:
    if day > today:
        _refuse(f"{what}不能晚于今天（{today:%Y-%m-%d}）。", code="date")
    if not_before and day < not_before:
        _refuse(f"{what}不能早于{not_before:%Y-%m-%d}。", code="date")
