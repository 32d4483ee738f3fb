"""The items behind printed documents, read through the one read gate."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.db.models import QuerySet

from departments.models import User
from suggestions.models import Assignment
from suggestions.models import Reply
from suggestions.models import Suggestion
from suggestions.selectors import suggestions_visible_to


def document_items(user: User) -> QuerySet[Suggestion]:
    """Visible items with everything a document prints, in a fixed number of queries: the
    items with their lead deputy, then co-signers, active assignments with departments, and
    replies with departments (one query each, whatever the number of items)."""
    return (
        suggestions_visible_to(user)
        .select_related("lead_deputy")
        .prefetch_related(
            "co_signers",
            Prefetch("merged_members", queryset=Suggestion.objects.select_related("lead_deputy")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(is_active=True)
                .select_related("department")
                .order_by("role", "id"),
                to_attr="active_assignments",
            ),
            Prefetch("replies", queryset=Reply.objects.select_related("department")),
        )
        .order_by("year", "kind", "number")
    )


def assigned_on_day(user: User, day: dt.date) -> QuerySet[Suggestion]:
    """The visible items whose active lead assignment was made on `day`: that day's
    交办通知单 — one per merged group (its primary's) and one per part of a split item,
    never for the copies (`mirror_of`) that place merged and split items in the statistics
    (DESIGN §11)."""
    held = Assignment.objects.filter(
        is_active=True, role=Assignment.Role.LEAD, assigned_on=day, mirror_of__isnull=True
    ).values("suggestion_id")
    return document_items(user).filter(pk__in=held)
