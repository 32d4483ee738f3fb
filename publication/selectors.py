"""Reads of 办理结果公开.

`published_replies()` is the public pages' one gate, as `suggestions_visible_to` is the
staff's: a reply appears only while it is marked 公开 and its item is not voided. Nothing
else under /public/ reads replies. The office's list reads through the staff gate.
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models import QuerySet

from departments.models import User
from publication.models import Disclosure
from suggestions.models import Reply
from suggestions.models import Status
from suggestions.selectors import suggestions_visible_to


def published_replies() -> QuerySet[Disclosure]:
    return (
        Disclosure.objects.filter(decision=Disclosure.Decision.PUBLIC)
        .exclude(reply__suggestion__status=Status.VOIDED)
        .select_related("reply__suggestion__lead_deputy", "reply__department")
    )


def published_list(
    *,
    year: int | None = None,
    department_id: int | None = None,
    outcome: str = "",
    words: list[str] | None = None,
) -> QuerySet[Disclosure]:
    """The public list, newest reply first; several words must all occur (in the title or
    the masked reply text)."""
    qs = published_replies()
    if year:
        qs = qs.filter(reply__suggestion__year=year)
    if department_id:
        qs = qs.filter(reply__department_id=department_id)
    if outcome:
        qs = qs.filter(reply__outcome=outcome)
    for word in words or []:
        qs = qs.filter(Q(reply__suggestion__title__icontains=word) | Q(public_text__icontains=word))
    return qs.order_by("-reply__replied_on", "-id")


def published_get(public_id: str) -> Disclosure | None:
    return published_replies().filter(public_id=public_id).first()


def disclosure_rows(user: User, *, year: int | None = None, state: str = "") -> QuerySet[Reply]:
    """The office's list: replies of the items the user reads, with their decision
    (state: "" all, "none" undecided, or a Decision value)."""
    qs = Reply.objects.filter(suggestion__in=suggestions_visible_to(user)).select_related(
        "suggestion", "department", "disclosure"
    )
    if year:
        qs = qs.filter(suggestion__year=year)
    if state == "none":
        qs = qs.filter(disclosure__isnull=True)
    elif state in Disclosure.Decision.values:
        qs = qs.filter(disclosure__decision=state)
    return qs.order_by("-suggestion__year", "suggestion__kind", "suggestion__number", "round")


def disclosure_for_reply(user: User, reply_pk: int) -> Reply | None:
    """One reply of an item the user reads, with its decision and the decision's history."""
    return (
        Reply.objects.filter(pk=reply_pk, suggestion__in=suggestions_visible_to(user))
        .select_related("suggestion", "department", "disclosure")
        .first()
    )
