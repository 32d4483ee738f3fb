"""The deputy's rating (满意 / 基本满意 close; 不满意 opens rework) and closing (办结)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from departments import roles
from departments.models import User
from notices import services as notices
from suggestions.bounds import check_text
from suggestions.deadlines import add_months
from suggestions.models import CloseReason
from suggestions.models import DeadlinePolicy
from suggestions.models import Event
from suggestions.models import Feedback
from suggestions.models import Satisfaction
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import replies_answering
from suggestions.services._steps import _begin
from suggestions.services._steps import _check_date
from suggestions.services._steps import _refuse
from suggestions.services._steps import _save
from suggestions.services._steps import _save_record
from suggestions.services._steps import _today
from suggestions.services.reply import _latest_record_date
from suggestions.services.rules import _check_close
from suggestions.services.rules import _check_feedback


@transaction.atomic
def feedback_record(
    *,
    suggestion: Suggestion,
    actor: User,
    satisfaction: str,
    received_on: dt.date | None = None,
    comment: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Feedback:
    """The deputy's rating: 满意/基本满意 closes the item, 不满意 opens a rework round."""
    check_text(comment=comment)
    s, _ = _begin(suggestion, expected_version, when, _check_feedback, actor)
    if satisfaction not in Satisfaction.values:
        _refuse("请选择满意度（满意、基本满意、不满意）。", code="satisfaction")
    # A merged item is rated on its primary's round, a split item on its parts' latest
    # (DESIGN §11), once per item and round.
    reply = replies_answering(s).order_by("-replied_on", "-round", "-id").first()
    today = _today(when)
    online = roles.is_deputy(actor)
    if online and received_on not in (None, today):
        _refuse("代表网上评价以提交当天为反馈日期。", code="received_on")
    received_on = received_on or today
    _check_date(received_on, not_before=_latest_record_date(s), today=today, what="反馈日期")
    if satisfaction == Satisfaction.UNSATISFIED and not comment.strip():
        _refuse("代表不满意时，请记录代表的具体意见，以便承办单位重新办理。", code="comment")
    feedback = _save_record(
        Feedback(
            suggestion=s,
            reply=reply,
            satisfaction=satisfaction,
            comment=comment.strip(),
            received_on=received_on,
            entered_by_deputy=online,
            created_by=actor,
        ),
        actor,
    )
    s.satisfaction = satisfaction
    s.satisfaction_on = received_on
    fields = ["status", "satisfaction", "satisfaction_on", "due_on"]
    if satisfaction == Satisfaction.UNSATISFIED:
        s.status = Status.REWORK
        s.due_on = add_months(received_on, DeadlinePolicy.current().rework_months)
        note = f"代表不满意，重新办理，期限{s.due_on:%Y-%m-%d}"
    else:
        s.status = Status.CLOSED
        note = f"代表{feedback.get_satisfaction_display()}，办结"
    _save(
        s,
        actor,
        Event.Action.FEEDBACK,
        when,
        fields=fields,
        from_status=Status.REPLIED,
        note=f"{note}。代表意见：{comment.strip()}" if comment.strip() else f"{note}。",
    )
    if satisfaction == Satisfaction.UNSATISFIED:
        lead_id = reply.department_id if reply else None
        notices.notify_rework(suggestion=s, lead_id=lead_id, comment=comment.strip())
    return feedback


@transaction.atomic
def suggestion_close(
    *,
    suggestion: Suggestion,
    actor: User,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
    when: dt.datetime | None = None,
) -> Suggestion:
    """办结 without a rating, for a reason: the deputy did not answer (代表未反馈) or another,
    written out in the note (其他); the rating closes otherwise."""
    check_text(note=note)
    s, _ = _begin(suggestion, expected_version, when, _check_close, actor)
    if reason not in CloseReason.values:
        _refuse("未经代表评价办结，须选择原因：代表未反馈或其他。", code="reason")
    if reason == CloseReason.OTHER and not note.strip():
        _refuse("原因为“其他”时，请在办结说明中写明原因。", code="note")
    s.status = Status.CLOSED
    return _save(
        s,
        actor,
        Event.Action.CLOSE,
        when,
        fields=["status"],
        from_status=Status.REPLIED,
        note=note.strip() or "办结。",
        close_reason=reason,
    )
