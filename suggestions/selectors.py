"""Reads. `suggestions_visible_to` is the one place that decides who sees which item."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from departments.models import User
from suggestions.deadlines import add_working_days
from suggestions.models import OPEN_STATUSES, Assignment, DeadlinePolicy, Suggestion


class DeadlineState:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    LABELS = {ON_TRACK: "正常", DUE_SOON: "临期", OVERDUE: "超期"}


def suggestions_visible_to(user: User) -> QuerySet[Suggestion]:
    """Office staff, supervisors and admins see everything; a handler sees the items its
    department holds an active assignment on; anyone else sees nothing."""
    qs = Suggestion.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser or user.is_office or user.is_supervisor:
        return qs
    if user.is_handler:
        held = Assignment.objects.filter(
            suggestion=OuterRef("pk"), department_id=user.department_id, is_active=True
        )
        return qs.filter(Exists(held))
    return qs.none()


def due_soon_limit(today: dt.date | None = None) -> dt.date:
    """The last due date that counts as "due soon" seen from `today`."""
    today = today or timezone.localdate()
    return add_working_days(today, DeadlinePolicy.current().due_soon_working_days)


def with_deadline_state(qs: QuerySet[Suggestion], today: dt.date | None = None) -> QuerySet:
    """Annotate `deadline_state` (on_track / due_soon / overdue) in SQL.

    Only items awaiting a reply have a deadline; the working-day arithmetic is done once,
    for the threshold date, never per row.
    """
    today = today or timezone.localdate()
    limit = due_soon_limit(today)
    return qs.annotate(
        deadline_state=Case(
            When(~Q(status__in=OPEN_STATUSES) | Q(due_on__isnull=True), then=Value("")),
            When(due_on__lt=today, then=Value(DeadlineState.OVERDUE)),
            When(due_on__lte=limit, then=Value(DeadlineState.DUE_SOON)),
            default=Value(DeadlineState.ON_TRACK),
            output_field=CharField(),
        )
    )


def filter_overdue(qs: QuerySet[Suggestion], today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)


def filter_due_soon(qs: QuerySet[Suggestion], today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=due_soon_limit(today))
