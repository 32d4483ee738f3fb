"""Reads. `suggestions_visible_to` is the one place that decides who sees which item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Case
from django.db.models import CharField
from django.db.models import DateField
from django.db.models import Exists
from django.db.models import F
from django.db.models import Max
from django.db.models import Min
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Value
from django.db.models import When
from django.utils import timezone

from departments import roles
from departments.models import User
from suggestions.deadlines import add_working_days
from suggestions.models import ENDED_STATUSES
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import OPEN_STATUSES
from suggestions.models import TO_ASSIGN
from suggestions.models import TO_RATE
from suggestions.models import WORKED
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
from suggestions.models import replies_answering
from suggestions.sql import InIds


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


def _handler_owing(user: User, rows: QuerySet) -> QuerySet:
    """The handler's rows annotated with `owed_on`, the date its department owes: the reply
    due date for the lead, the co-opinion due date for a co department (read for the rows
    listed only, never to choose them)."""
    mine = Assignment.objects.filter(
        suggestion=OuterRef("pk"), department_id=user.department_id, is_active=True
    )
    return rows.annotate(
        owed_on=Case(
            When(Exists(mine.filter(role=Assignment.Role.LEAD)), then=F("due_on")),
            default=Subquery(mine.filter(role=Assignment.Role.CO).values("opinion_due_on")[:1]),
            output_field=DateField(),
        )
    )


# What a department works on: not a merged item (worked on its primary) nor a split item
# (worked on its parts), whose assignment copies only place them in the statistics (§11).
# The same condition as the partial index todo_count reads.
WORKED_HERE = WORKED

# 我的待办 lists at most this many items per section, the most urgent first; a section with
# more says so and, where the list page can select the same items, links to it. A
# district's few hundred items a year stay whole. It does not count them: at a million
# items a count of a busy department's section, even bounded, cost more than the page's
# rows (bench/README.md, "我的待办 at 1M items").
SECTION_LIMIT = 200
# The order of a section's items by their date, ending on pk so that the first
# SECTION_LIMIT are always the same ones (the partial indexes of migration 0018).
BY_DUE = ("due_on", "year", "number", "pk")
# The rows listed: by the date the viewer owes (a co department's opinion date, else the
# due date), then as BY_DUE.
BY_OWED = ("owed_on", "year", "number", "pk")
BY_REPLIED = ("first_replied_on", "pk")
BY_RECEIVED = ("received_on", "number", "pk")
# A co department's items by its opinion's due date, as its indexes hold them
# (assign_dept_co_opinion, _unsigned): read without the items, which are only probed, the
# first of a day are taken by id, and listed by year and number like the others.
BY_OPINION_DUE = ("opinion_due_on", "suggestion_id")
BEING_HANDLED = (Status.ASSIGNED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class Section:
    """A section of 我的待办: its parts are the ids of items that share none, each in the
    section's order and read on an index of its own (an OR of them could not be); `order`
    sorts the rows of all parts; `list_query`, when set, selects the same items on the
    list page."""

    key: str
    heading: str
    parts: tuple[QuerySet, ...]
    order: tuple = BY_OWED
    list_query: str = ""


class SectionItems(list):
    """A section's items as listed (each item once, in its most urgent section). When the
    section has more than `limit` items, `capped` is set, with the list page's query of
    the same items where it has one."""

    capped = False
    limit = SECTION_LIMIT
    list_query = ""


def _ordered(qs: QuerySet, order: tuple) -> QuerySet:
    """`qs` in `order`, its date first with the items without it last (on every database,
    as the indexes hold them on PostgreSQL)."""
    return qs.order_by(F(order[0]).asc(nulls_last=True), *order[1:])


def _ids(qs: QuerySet, order: tuple) -> QuerySet:
    return _ordered(qs, order).values("pk")


def _co_ids(qs: QuerySet) -> QuerySet:
    return _ordered(qs, BY_OPINION_DUE).values("suggestion_id")


def _handler_sections(user: User, today: dt.date) -> list[Section]:
    """Each section's lead part reads the open items in due-date order (an index of open
    items), keeping those the department leads; each co part reads the department's co
    assignments in opinion-due order. One department holds one active assignment of an
    item, so the parts share no item; the assignment conditions imply the handler's
    visibility, which the rows listed pass again (workspace_sections)."""
    soon = due_soon(today)
    mine = Assignment.objects.filter(department_id=user.department_id, is_active=True)
    worked = Suggestion.objects.filter(WORKED_HERE)
    lead = worked.filter(pk__in=mine.filter(role=Assignment.Role.LEAD).values("suggestion_id"))
    handled = worked.filter(status__in=BEING_HANDLED).values("pk")
    co = mine.filter(role=Assignment.Role.CO, suggestion_id__in=handled)
    unsigned_lead = mine.filter(role=Assignment.Role.LEAD, acknowledged_at__isnull=True)

    def owed(when: Q, opinion_when: Q) -> tuple[QuerySet, QuerySet]:
        return (
            _ids(lead.filter(when, status__in=OPEN_STATUSES), BY_DUE),
            _co_ids(co.filter(opinion_when, opinion="")),
        )

    return [
        Section("overdue", "已超期", owed(Q(due_on__lt=today), Q(opinion_due_on__lt=today))),
        Section(
            "due_soon",
            soon.label,
            owed(
                Q(due_on__gte=today, due_on__lte=soon.limit),
                Q(opinion_due_on__gte=today, opinion_due_on__lte=soon.limit),
            ),
        ),
        Section(
            "acknowledge",
            "待签收",
            (
                _ids(
                    worked.filter(
                        status__in=BEING_HANDLED, pk__in=unsigned_lead.values("suggestion_id")
                    ),
                    BY_DUE,
                ),
                _co_ids(co.filter(acknowledged_at__isnull=True)),
            ),
        ),
        Section(
            "co_opinion",
            "待提交会办意见",
            (_co_ids(co.filter(opinion="")),),
        ),
        Section("rework", "重新办理", (_ids(lead.filter(status=Status.REWORK), BY_DUE),)),
        Section("in_progress", "办理中", (_ids(lead.filter(status=Status.IN_PROGRESS), BY_DUE),)),
        Section(
            "follow_up",
            "正在解决、计划解决，待跟踪落实",
            (
                _ids(
                    lead.filter(
                        outcome__in=FOLLOW_UP_OUTCOMES, status__in=[Status.REPLIED, Status.CLOSED]
                    ),
                    BY_REPLIED,
                ),
            ),
            order=BY_REPLIED,
        ),
    ]


def _overdue(rows: QuerySet, today: dt.date) -> Section:
    overdue = _ids(filter_overdue(rows, today), BY_DUE)
    return Section("overdue", "已超期", (overdue,), list_query="deadline=overdue&o=due_on")


FOLLOW_UP = {"outcome__in": FOLLOW_UP_OUTCOMES, "status__in": [Status.REPLIED, Status.CLOSED]}


def _office_sections(rows: QuerySet, today: dt.date) -> list[Section]:
    pending = {
        model: model.objects.filter(status=RequestStatus.PENDING).values("assignment__suggestion")
        for model in (ReturnRequest, ExtensionRequest)
    }
    soon = due_soon(today)
    return [
        _overdue(rows, today),
        Section(
            "due_soon",
            soon.label,
            (_ids(filter_due_soon(rows, today, soon), BY_DUE),),
            list_query="deadline=due_soon&o=due_on",
        ),
        Section(
            "return_requests",
            "待审批的退办申请",
            (_ids(rows.filter(pk__in=pending[ReturnRequest]), BY_DUE),),
        ),
        Section(
            "extension_requests",
            "待审批的延期申请",
            (_ids(rows.filter(pk__in=pending[ExtensionRequest]), BY_DUE),),
        ),
        # A merged item is assigned with its primary (DESIGN §11); the list's 待交办 shows
        # merged items too, so it cannot list this section.
        Section("draft", "待交办", (_ids(rows.filter(TO_ASSIGN), BY_RECEIVED),), BY_RECEIVED),
        # A part is rated with its split item.
        Section(
            "feedback",
            "已答复，待登记代表意见",
            (_ids(rows.filter(TO_RATE), BY_REPLIED),),
            BY_REPLIED,
        ),
    ]


def _supervisor_sections(rows: QuerySet, today: dt.date) -> list[Section]:
    watched = [s for s in Status.values if s not in ENDED_STATUSES]
    return [
        _overdue(rows, today),
        Section(
            "key_supervision",
            "重点督办",
            (_ids(rows.filter(key_supervision=True).exclude(status__in=ENDED_STATUSES), BY_DUE),),
            list_query="key_supervision=true&" + "&".join(f"status={s}" for s in watched),
        ),
        Section(
            "follow_up",
            "正在解决、计划解决，待跟踪复查",
            (_ids(rows.filter(**FOLLOW_UP), BY_REPLIED),),
            BY_REPLIED,
            list_query="outcome=in_progress&outcome=planned&status=replied&status=closed"
            "&o=first_replied_on",
        ),
    ]


def _section_rows(rows: QuerySet, section: Section) -> list[Suggestion]:
    """The first SECTION_LIMIT + 1 items of a section (one more tells that it has more):
    each part gives its first ids, read on its index, and the rows are read by id."""
    first = Q()
    for part in section.parts:
        first |= Q(InIds(F("pk"), Subquery(part[: SECTION_LIMIT + 1])))
    return list(_ordered(rows.filter(first), section.order)[: SECTION_LIMIT + 1])


def workspace_sections(
    user: User, *, today: dt.date | None = None
) -> list[tuple[str, str, SectionItems]]:
    """我的待办: (key, heading, items) for the user's role, most urgent first (overdue, due
    soon, then what waits for the user). Each item appears once, in its most urgent
    section; `item.also` names the later sections it belongs to as well, and
    `item.owed_on` is the date the viewer owes (a co department's opinion date, the
    lead's reply date). A section lists its first SECTION_LIMIT items (`SectionItems`).

    Two queries per section (its rows, their assignments), whatever the number of items.
    """
    today = today or timezone.localdate()
    rows = with_deadline_state(suggestions_visible_to(user).select_related("lead_deputy"), today)
    if roles.is_handler(user):
        sections = _handler_sections(user, today)
        rows = _handler_owing(user, rows)
    elif roles.is_office(user):
        sections = _office_sections(rows, today)
        rows = rows.annotate(owed_on=F("due_on"))
    elif roles.is_supervisor(user):
        sections = _supervisor_sections(rows, today)
        rows = rows.annotate(owed_on=F("due_on"))
    else:
        return []
    rows = rows.prefetch_related(_lead_assignments())
    read = {section.key: _section_rows(rows, section) for section in sections}
    first: dict[int, Suggestion] = {}
    result = []
    for section in sections:
        items = SectionItems()
        for item in read[section.key][:SECTION_LIMIT]:
            if item.pk in first:
                first[item.pk].also.append(section.heading)
                continue
            item.also = []
            first[item.pk] = item
            items.append(item)
        if len(read[section.key]) > SECTION_LIMIT:
            items.capped, items.limit, items.list_query = True, SECTION_LIMIT, section.list_query
        result.append((section.key, section.heading, items))
    return result


def _count_all(*parts: QuerySet) -> int:
    """The number of rows of querysets that share no item, in one COUNT query (UNION ALL):
    each part is read on its own partial index, which one OR of them could not be."""
    first, *others = (part.order_by().values("pk") for part in parts)
    return first.union(*others, all=True).count()


def _handler_todo(user: User, rows: QuerySet) -> int:
    """The items a handler's department works on (WORKED_HERE) and owes something on:
    leading an open item, or as a co department of an item being handled, not yet
    acknowledged or without its opinion — the union of _handler_owing's and 待签收's
    conditions, as one department holds one active assignment of an item. Each part's
    assignment condition implies the handler's visibility, so it is not repeated."""
    mine = Assignment.objects.filter(department_id=user.department_id, is_active=True)
    lead = mine.filter(role=Assignment.Role.LEAD)
    co_owing = mine.filter(role=Assignment.Role.CO).filter(
        Q(acknowledged_at__isnull=True) | Q(opinion="")
    )
    rows = rows.filter(WORKED_HERE)
    return _count_all(
        rows.filter(status__in=OPEN_STATUSES, pk__in=lead.values("suggestion_id")),
        rows.filter(
            status__in=[Status.ASSIGNED, Status.IN_PROGRESS],
            pk__in=co_owing.values("suggestion_id"),
        ),
    )


def todo_count(user: User, *, today: dt.date | None = None) -> int:
    """The navigation's count: the items that wait for the user's action, and the overdue
    ones it watches, in one COUNT query (the due-soon reminders need the deadline policy
    and are left to the page). The count adds up parts that share no item, each read on
    a partial index of migration 0016: at a million items an OR of the conditions read
    the whole table on every page (bench/README.md, "待办计数 and list orders at 1M items")."""
    today = today or timezone.localdate()
    if roles.is_handler(user):
        return _handler_todo(user, Suggestion.objects.all())
    rows = suggestions_visible_to(user)
    overdue = Q(status__in=OPEN_STATUSES, due_on__lt=today)
    if roles.is_office(user):
        # The partial indexes' own conditions, so that the planner can read them.
        to_assign, to_rate = TO_ASSIGN, TO_RATE
        # The few items with a pending request, driven from the requests' partial indexes
        # (an OR of two EXISTS would read every item).
        returns, extensions = (
            model.objects.filter(status=RequestStatus.PENDING).values("assignment__suggestion")
            for model in (ReturnRequest, ExtensionRequest)
        )
        requested = rows.exclude(overdue).exclude(to_assign).exclude(to_rate)
        return _count_all(
            rows.filter(overdue),
            rows.filter(to_assign),
            rows.filter(to_rate),
            requested.filter(pk__in=returns),
            requested.filter(pk__in=extensions).exclude(pk__in=returns),
        )
    if roles.is_supervisor(user):
        key = Q(key_supervision=True) & ~Q(status__in=ENDED_STATUSES)
        return _count_all(rows.filter(overdue), rows.filter(key).exclude(overdue))
    return 0


def years_of(qs: QuerySet) -> list[int]:
    """The years from the last to the first that `qs` has items in, read as MIN and MAX
    from the year's index (a DISTINCT over a million items took seconds); a year between
    them without items is listed too."""
    span = qs.order_by().aggregate(first=Min("year"), last=Max("year"))
    return list(range(span["last"], span["first"] - 1, -1)) if span["last"] else []
