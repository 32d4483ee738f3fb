"""Reads. `suggestions_visible_to` is the one place that decides who sees which item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Case
from django.db.models import CharField
from django.db.models import Max
from django.db.models import Min
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Value
from django.db.models import When
from django.utils import timezone

from departments import roles
from departments.models import User
from suggestions.deadlines import add_working_days
from suggestions.models import OPEN_STATUSES
from suggestions.models import WORKED
from suggestions.models import Assignment
from suggestions.models import DeadlinePolicy
from suggestions.models import Event
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import Reply
from suggestions.models import Suggestion
from suggestions.models import replies_answering


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


def lead_assignments() -> Prefetch:
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
        .prefetch_related(lead_assignments()),
        today,
        window,
    )


# The lead department above its co departments ("co" sorts before "lead" by letter).
LEAD_FIRST = Case(When(role=Assignment.Role.LEAD, then=Value(0)), default=Value(1))


def _parts() -> Prefetch:
    """A split item's parts, each with its lead department (`lead_rows`)."""
    leads = Assignment.objects.filter(is_active=True, role=Assignment.Role.LEAD)
    return Prefetch(
        "parts",
        queryset=Suggestion.objects.order_by("part_no").prefetch_related(
            Prefetch(
                "assignments", queryset=leads.select_related("department"), to_attr="lead_rows"
            )
        ),
    )


def suggestion_get(user: User, pk: int) -> Suggestion | None:
    """One item with everything its detail page shows, in a fixed number of queries."""
    item = (
        with_deadline_state(suggestions_visible_to(user))
        .select_related("lead_deputy", "session", "created_by", "merged_into", "part_of")
        .prefetch_related(
            "co_signers",
            Prefetch("merged_members", queryset=Suggestion.objects.select_related("lead_deputy")),
            _parts(),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "department", "acknowledged_by", "opinion_by"
                ).order_by("-is_active", LEAD_FIRST, "id"),
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
                ).prefetch_related("evidence"),
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
    if item is not None and (item.merged_into_id or item.split_on):
        _share_replies(item)
    return item


def _share_replies(item: Suggestion) -> None:
    """并案 and 分办 (DESIGN §11): a merged item shows its primary's replies (written once),
    a split item its parts'; `item.replies.all()` then reads them (pages, portal, API)."""
    shared = (
        replies_answering(item)
        .select_related("department", "created_by")
        .order_by("replied_on", "round", "id")
    )
    list(shared)  # evaluated now: one query, like the prefetch it replaces
    item._prefetched_objects_cache["replies"] = shared


# What a department works on: not a merged item (worked on its primary) nor a split item
# (worked on its parts), whose assignment copies only place them in the statistics (§11).
# The same condition as the partial index todo_count reads.
WORKED_HERE = WORKED


def years_of(qs: QuerySet) -> list[int]:
    """The years from the last to the first that `qs` has items in, read as MIN and MAX
    from the year's index (a DISTINCT over a million items took seconds); a year between
    them without items is listed too."""
    span = qs.order_by().aggregate(first=Min("year"), last=Max("year"))
    return list(range(span["last"], span["first"] - 1, -1)) if span["last"] else []
