"""An item as it stood on a date (DESIGN §5): SQL expressions over the records of its life.

The services overwrite a few facts on the item as its life goes on (the lead department,
the due date, the outcome, the rating, the status). A report as of D must not read those
current values: it reads what was in force on D from the dated records. Each expression
here takes the shortcut the item's own `*_on` / `*_from` date allows — when nothing changed
after D the current value is the answer — and looks the records up only for the few items
that changed later, so a report over a million items stays one pass.

Used by the reports (figures, lists, the workbook's 明细) and by the services where a
service must know a past value (the due date in force on a reply's date).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case
from django.db.models import CharField
from django.db.models import DateField
from django.db.models import Expression
from django.db.models import F
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Value
from django.db.models import When
from django.db.models.functions import Coalesce

from suggestions.models import Assignment
from suggestions.models import ExtensionRequest
from suggestions.models import Feedback
from suggestions.models import OutcomeChange
from suggestions.models import RequestStatus
from suggestions.models import Suggestion


def _prefix(ref: str) -> str:
    """ "pk" → "" (the query is over items); "suggestion_id" → "suggestion__" (over rows
    that point at an item)."""
    return "" if ref == "pk" else ref.removesuffix("_id") + "__"


def lead_held_on(day: dt.date) -> Q:
    """Assignments that were the item's lead on `day`: a re-assignment after `day` ends the
    old one later, so a past report keeps the department that held the item then."""
    return Q(role=Assignment.Role.LEAD, assigned_on__lte=day) & (
        Q(is_active=True) | Q(ended_on__gt=day)
    )


def lead_on(day: dt.date, field: str = "department_id", ref: str = "pk") -> Subquery:
    """A field of the lead assignment held on `day`."""
    return Subquery(
        Assignment.objects.filter(lead_held_on(day), suggestion=OuterRef(ref))
        .order_by("-assigned_on", "-id")
        .values(field)[:1]
    )


def _extended_on(day: dt.date) -> Subquery:
    """Over assignments: the due date of the assignment's latest extension approved on or
    before `day` (a merged item's copy reads its primary's, DESIGN §11)."""
    return Subquery(
        ExtensionRequest.objects.filter(
            Q(assignment=OuterRef("pk")) | Q(assignment=OuterRef("mirror_of")),
            status=RequestStatus.APPROVED,
            decided_on__lte=day,
        )
        .order_by("-decided_on", "-id")
        .values("requested_due_on")[:1],
        output_field=DateField(),
    )


def _parts_due_on(day: dt.date, ref: str) -> Subquery:
    """A split item's due date on `day` (DESIGN §11): the earliest in force among its parts
    not yet replied by then, so it is overdue when one of them is."""
    return Subquery(
        Suggestion.objects.filter(part_of=OuterRef(ref))
        .filter(Q(first_replied_on__isnull=True) | Q(first_replied_on__gt=day))
        .annotate(due=due_on(day, parts=False))
        .order_by("due")
        .values("due")[:1],
        output_field=DateField(),
    )


def assignment_due_on(day: dt.date) -> Expression:
    """Over lead assignments: the reply due date in force on `day` (the assignment's own
    due date, or its latest extension approved by then)."""
    return Case(
        When(suggestion__split_on__isnull=False, then=_parts_due_on(day, "suggestion_id")),
        When(suggestion__reply_due_from__lte=day, then=F("suggestion__reply_due_on")),
        default=Coalesce(_extended_on(day), F("reply_due_on")),
        output_field=DateField(),
    )


def due_on(day: dt.date, ref: str = "pk", *, parts: bool = True) -> Expression:
    """The reply due date in force on `day` (DESIGN §5): the lead assignment held on `day`,
    with the extensions approved on or before it. A later re-assignment or extension never
    changes it."""
    p = _prefix(ref)
    held = (
        Assignment.objects.filter(lead_held_on(day), suggestion=OuterRef(ref))
        .order_by("-assigned_on", "-id")
        .annotate(due=Coalesce(_extended_on(day), F("reply_due_on")))
        .values("due")[:1]
    )
    split = [When(**{f"{p}split_on__isnull": False}, then=_parts_due_on(day, ref))] if parts else []
    return Case(
        *split,
        When(**{f"{p}reply_due_from__lte": day}, then=F(f"{p}reply_due_on")),
        default=Subquery(held, output_field=DateField()),
        output_field=DateField(),
    )


def outcome_on(day: dt.date, ref: str = "pk") -> Case:
    """The outcome on `day`: the latest ledger row effective on or before it."""
    p = _prefix(ref)
    ledger = Subquery(
        OutcomeChange.objects.filter(suggestion=OuterRef(ref), effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .values("to_outcome")[:1]
    )
    return Case(
        When(**{f"{p}outcome_on__isnull": True}, then=Value(None)),
        When(**{f"{p}outcome_on__lte": day}, then=F(f"{p}outcome")),
        default=ledger,
        output_field=CharField(),
    )


def rating_on(day: dt.date, ref: str = "pk", field: str = "satisfaction") -> Case | Subquery:
    """The deputy's latest rating received on or before `day` (the same shortcut)."""
    ledger = Subquery(
        Feedback.objects.filter(suggestion=OuterRef(ref), received_on__lte=day)
        .order_by("-received_on", "-id")
        .values(field)[:1]
    )
    if field != "satisfaction":
        return ledger
    p = _prefix(ref)
    return Case(
        When(**{f"{p}satisfaction_on__isnull": True}, then=Value(None)),
        When(**{f"{p}satisfaction_on__lte": day}, then=F(f"{p}satisfaction")),
        default=ledger,
        output_field=CharField(),
    )


def in_force_on(day: dt.date, prefix: str = "") -> Q:
    """Items not voided on `day`: a void takes an item out of reports from its date on."""
    return Q(**{f"{prefix}voided_on__isnull": True}) | Q(**{f"{prefix}voided_on__gt": day})
