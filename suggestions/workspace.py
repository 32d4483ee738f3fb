"""我的待办 and the navigation's count (DESIGN §3): what waits for each user, by role.

`workspace_sections` lists each section's most urgent items (at most SECTION_LIMIT);
`todo_section` gives the list page's `todo=` filter the same items, all of them, so that
a capped section's 查看全部 opens exactly its items on the list; `todo_count` is the
navigation's badge. Every condition here is read on an index of its own (migrations
0016 and 0018): bench/README.md, "我的待办 at 1M items" and "待办计数"."""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Case
from django.db.models import DateField
from django.db.models import Exists
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import When
from django.utils import timezone

from departments import roles
from departments.models import User
from suggestions.models import ENDED_STATUSES
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import OPEN_STATUSES
from suggestions.models import TO_ASSIGN
from suggestions.models import TO_RATE
from suggestions.models import Assignment
from suggestions.models import Countersign
from suggestions.models import ExtensionRequest
from suggestions.models import ReplyDraft
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.selectors import WORKED_HERE
from suggestions.selectors import due_soon
from suggestions.selectors import filter_due_soon
from suggestions.selectors import filter_overdue
from suggestions.selectors import lead_assignments
from suggestions.selectors import suggestions_visible_to
from suggestions.selectors import with_deadline_state
from suggestions.sql import InIds


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
        Section(
            "countersign", "待会签的答复稿", (_co_ids(co.filter(_awaiting_countersign(user))),)
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


def _drafts_at(stage: str) -> QuerySet:
    """The items whose reply draft in play is at `stage` (at most one draft is in play per
    item: the partial unique index reply_draft_one_open holds them)."""
    return ReplyDraft.objects.filter(stage=stage).values("suggestion_id")


def _awaiting_countersign(user: User) -> Q:
    """A co assignment whose item's draft waits for its department's 会签."""
    signed = Countersign.objects.filter(
        draft__suggestion_id=OuterRef("suggestion_id"),
        draft__stage=ReplyDraft.Stage.COUNTERSIGN,
        department_id=user.department_id,
    )
    return Q(suggestion_id__in=_drafts_at(ReplyDraft.Stage.COUNTERSIGN)) & ~Exists(signed)


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
        Section(
            "reply_review",
            "待审核的答复稿",
            (_ids(rows.filter(pk__in=_drafts_at(ReplyDraft.Stage.REVIEW)), BY_DUE),),
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


def _sections(user: User, rows: QuerySet, today: dt.date) -> list[Section]:
    """The sections of `user`'s 我的待办 (none for a role without one); `rows` are the items
    the user sees, which the office's and the supervisor's sections filter."""
    if roles.is_handler(user):
        return _handler_sections(user, today)
    if roles.is_office(user):
        return _office_sections(rows, today)
    if roles.is_supervisor(user):
        return _supervisor_sections(rows, today)
    return []


# The list page's `todo=` filter: a section of the user's 我的待办, all its items.
TODO_LABELS = {
    "overdue": "已超期",
    "due_soon": "即将到期",
    "acknowledge": "待签收",
    "co_opinion": "待提交会办意见",
    "countersign": "待会签的答复稿",
    "rework": "重新办理",
    "in_progress": "办理中",
    "follow_up": "正在解决、计划解决，待跟踪",
    "return_requests": "待审批的退办申请",
    "extension_requests": "待审批的延期申请",
    "reply_review": "待审核的答复稿",
    "draft": "待交办",
    "feedback": "已答复，待登记代表意见",
    "key_supervision": "重点督办",
}
# The list page's order (its `o=`) nearest to a section's.
LIST_ORDER_OF = {
    BY_DUE: "due_on",
    BY_OWED: "due_on",
    BY_REPLIED: "first_replied_on",
    BY_RECEIVED: "received_on",
}


def todo_section(user: User, key: str, *, today: dt.date | None = None) -> Q | None:
    """The condition selecting every item of section `key` of `user`'s 我的待办 (the page
    lists the first SECTION_LIMIT), or None when the user's 我的待办 has no such section.
    The caller's rows are the user's visible items already."""
    today = today or timezone.localdate()
    for section in _sections(user, suggestions_visible_to(user), today):
        if section.key == key:
            return reduce(operator.or_, (Q(pk__in=part.order_by()) for part in section.parts))
    return None


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
    sections = _sections(user, rows, today)
    if not sections:
        return []
    if roles.is_handler(user):
        rows = _handler_owing(user, rows)
    else:
        rows = rows.annotate(owed_on=F("due_on"))
    rows = rows.prefetch_related(lead_assignments())
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
            items.capped, items.limit = True, SECTION_LIMIT
            items.list_query = section.list_query or (
                f"todo={section.key}&o={LIST_ORDER_OF[section.order]}"
            )
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
    acknowledged, without its opinion, or with the lead's draft to countersign — the
    union of its sections' conditions, as one department holds one active assignment of
    an item. Each part's
    assignment condition implies the handler's visibility, so it is not repeated."""
    mine = Assignment.objects.filter(department_id=user.department_id, is_active=True)
    lead = mine.filter(role=Assignment.Role.LEAD)
    co_owing = mine.filter(role=Assignment.Role.CO).filter(
        Q(acknowledged_at__isnull=True) | Q(opinion="")
    )
    # A draft waits for the department's 会签 only once its opinion is in (so not owing).
    co_signing = (
        mine.filter(role=Assignment.Role.CO, acknowledged_at__isnull=False)
        .exclude(opinion="")
        .filter(_awaiting_countersign(user))
    )
    rows = rows.filter(WORKED_HERE)
    return _count_all(
        rows.filter(status__in=OPEN_STATUSES, pk__in=lead.values("suggestion_id")),
        rows.filter(status__in=BEING_HANDLED, pk__in=co_owing.values("suggestion_id")),
        rows.filter(status__in=BEING_HANDLED, pk__in=co_signing.values("suggestion_id")),
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
            requested.filter(pk__in=_drafts_at(ReplyDraft.Stage.REVIEW))
            .exclude(pk__in=returns)
            .exclude(pk__in=extensions),
        )
    if roles.is_supervisor(user):
        key = Q(key_supervision=True) & ~Q(status__in=ENDED_STATUSES)
        return _count_all(rows.filter(overdue), rows.filter(key).exclude(overdue))
    return 0
