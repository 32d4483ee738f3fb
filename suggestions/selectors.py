"""Reads. `suggestions_visible_to` is the one place that decides who sees which item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Case
from django.db.models import CharField
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Value
from django.db.models import When
from django.utils import timezone

from departments import roles
from departments.models import User
from suggestions.deadlines import add_working_days
from suggestions.models import ENDED_STATUSES
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import OPEN_STATUSES
from suggestions.models import Assignment
from suggestions.models import DeadlinePolicy
from suggestions.models import Event
from suggestions.models import ExtensionRequest
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import Reply
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from suggestions.models import Status
from suggestions.models import Suggestion


class DeadlineState:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    LABELS = {ON_TRACK: "正常", DUE_SOON: "临期", OVERDUE: "超期"}


def suggestions_visible_to(user: User) -> QuerySet[Suggestion]:
    """Office staff, supervisors and admins see everything; a handler sees the items its
    department holds an active assignment on; a deputy the items it leads or co-signed;
    anyone else sees nothing."""
    qs = Suggestion.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if roles.sees_everything(user):
        return qs
    if roles.is_handler(user):
        # A semi-join the database drives from the assignment index (department, active,
        # item): a department holds a small share of a large table.
        held = Assignment.objects.filter(department_id=user.department_id, is_active=True).values(
            "suggestion_id"
        )
        return qs.filter(pk__in=held)
    if roles.is_deputy(user):
        deputy_id = user.deputy.pk
        cosigned = Suggestion.co_signers.through.objects.filter(deputy_id=deputy_id).values(
            "suggestion_id"
        )
        return qs.filter(Q(lead_deputy_id=deputy_id) | Q(pk__in=cosigned))
    return qs.none()


@dataclass(frozen=True)
class DueSoon:
    """The due-soon window seen from a day: the policy's working days and the last due date
    inside it. Its label reads the policy, so a changed policy changes every heading."""

    working_days: int
    limit: dt.date

    @property
    def label(self) -> str:
        return f"临期（{self.working_days}个工作日内到期）"


def due_soon(today: dt.date | None = None) -> DueSoon:
    """Query: the deadline policy (and the calendar slice for the working days)."""
    today = today or timezone.localdate()
    days = DeadlinePolicy.current().due_soon_working_days
    return DueSoon(working_days=days, limit=add_working_days(today, days))


def due_soon_limit(today: dt.date | None = None) -> dt.date:
    """The last due date that counts as "due soon" seen from `today`."""
    return due_soon(today).limit


def with_deadline_state(
    qs: QuerySet[Suggestion], today: dt.date | None = None, window: DueSoon | None = None
) -> QuerySet:
    """Annotate `deadline_state` (on_track / due_soon / overdue) in SQL.

    Only items awaiting a reply have a deadline; the working-day arithmetic is done once,
    for the threshold date, never per row.
    """
    today = today or timezone.localdate()
    limit = (window or due_soon(today)).limit
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


def filter_due_soon(
    qs: QuerySet[Suggestion], today: dt.date | None = None, window: DueSoon | None = None
) -> QuerySet:
    today = today or timezone.localdate()
    limit = (window or due_soon(today)).limit
    return qs.filter(status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=limit)


def filter_on_track(qs: QuerySet[Suggestion], today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATUSES, due_on__gt=due_soon_limit(today))


def _lead_assignments() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(is_active=True).select_related("department"),
        to_attr="active_assignments",
    )


def suggestion_list(
    user: User, *, today: dt.date | None = None, window: DueSoon | None = None
) -> QuerySet[Suggestion]:
    """The rows of a list page: visible items with their deputy, departments and deadline."""
    return with_deadline_state(
        suggestions_visible_to(user)
        .select_related("lead_deputy")
        .prefetch_related(_lead_assignments()),
        today,
        window,
    )


def suggestion_get(user: User, pk: int) -> Suggestion | None:
    """One item with everything its detail page shows, in a fixed number of queries."""
    return (
        with_deadline_state(suggestions_visible_to(user))
        .select_related("lead_deputy", "session", "created_by")
        .prefetch_related(
            "co_signers",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "department", "acknowledged_by", "opinion_by"
                ).order_by("-is_active", "role", "id"),
            ),
            Prefetch(
                "replies",
                queryset=Reply.objects.select_related("department", "created_by"),
            ),
            # Co-signers' ratings (deputies.CosignerRating, named by label: suggestions
            # does not import the portal's app), shown beside each round.
            Prefetch(
                "cosigner_ratings",
                queryset=apps.get_model("deputies", "CosignerRating").objects.select_related(
                    "deputy"
                ),
            ),
            Prefetch("feedbacks", queryset=Feedback.objects.select_related("created_by")),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related(
                    "department", "created_by", "outcome_change"
                ),
            ),
            Prefetch(
                "events",
                queryset=Event.objects.select_related("actor", "department").order_by(
                    "-occurred_at", "-id"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def workspace_sections(user: User, *, today: dt.date | None = None) -> list[tuple[str, str, list]]:
    """我的待办: (key, heading, items) for the user's role, each ordered by due date.

    One query per section, whatever the number of items.
    """
    today = today or timezone.localdate()
    rows = suggestion_list(user, today=today).order_by("due_on", "year", "number")
    sections: list[tuple[str, str, QuerySet]] = []
    if roles.is_handler(user) or roles.is_office(user):
        soon = due_soon(today)
    if roles.is_handler(user):
        mine = Assignment.objects.filter(
            suggestion=OuterRef("pk"), department_id=user.department_id, is_active=True
        )
        leading = rows.filter(Exists(mine.filter(role=Assignment.Role.LEAD)))
        sections = [
            (
                "acknowledge",
                "待签收",
                rows.filter(Exists(mine.filter(acknowledged_at__isnull=True))).filter(
                    status__in=[Status.ASSIGNED, Status.IN_PROGRESS]
                ),
            ),
            (
                "co_opinion",
                "待提交会办意见",
                rows.filter(
                    Exists(mine.filter(role=Assignment.Role.CO, opinion="")),
                    status__in=[Status.ASSIGNED, Status.IN_PROGRESS],
                ),
            ),
            ("overdue", "已超期", filter_overdue(leading, today)),
            ("due_soon", soon.label, filter_due_soon(leading, today, soon)),
            ("rework", "重新办理", leading.filter(status=Status.REWORK)),
            ("in_progress", "办理中", leading.filter(status=Status.IN_PROGRESS)),
            (
                "follow_up",
                "正在解决、计划解决，待跟踪落实",
                leading.filter(
                    outcome__in=FOLLOW_UP_OUTCOMES, status__in=[Status.REPLIED, Status.CLOSED]
                ).order_by("first_replied_on"),
            ),
        ]
    elif roles.is_office(user):
        pending = {"assignment__suggestion": OuterRef("pk"), "status": RequestStatus.PENDING}
        sections = [
            ("draft", "待交办", rows.filter(status=Status.DRAFT).order_by("received_on", "number")),
            (
                "return_requests",
                "待审批的退办申请",
                rows.filter(Exists(ReturnRequest.objects.filter(**pending))),
            ),
            (
                "extension_requests",
                "待审批的延期申请",
                rows.filter(Exists(ExtensionRequest.objects.filter(**pending))),
            ),
            (
                "feedback",
                "已答复，待登记代表意见",
                rows.filter(status=Status.REPLIED).order_by("first_replied_on"),
            ),
            ("overdue", "已超期", filter_overdue(rows, today)),
            ("due_soon", soon.label, filter_due_soon(rows, today, soon)),
        ]
    elif roles.is_supervisor(user):
        sections = [
            ("overdue", "已超期", filter_overdue(rows, today)),
            (
                "key_supervision",
                "重点督办",
                rows.filter(key_supervision=True).exclude(status__in=ENDED_STATUSES),
            ),
            (
                "follow_up",
                "正在解决、计划解决，待跟踪复查",
                rows.filter(
                    outcome__in=FOLLOW_UP_OUTCOMES, status__in=[Status.REPLIED, Status.CLOSED]
                ).order_by("first_replied_on"),
            ),
        ]
    return [(key, title, list(qs[:200])) for key, title, qs in sections]
