"""What the portal reads: the deputy's items through the one read gate, and what it may
rate on one of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BooleanField
from django.db.models import Case
from django.db.models import CharField
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Value
from django.db.models import When
from django.utils import timezone

from departments.models import Deputy
from departments.models import User
from deputies.models import CosignerRating
from suggestions import services
from suggestions.models import Event
from suggestions.models import Reply
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.selectors import suggestion_get
from suggestions.selectors import suggestion_list

LEAD, CO_SIGNER = "lead", "co_signer"


def deputy_item_list(user: User) -> QuerySet[Suggestion]:
    """The deputy's items (the read gate's answer), newest first, each with its part in it
    (领衔 / 联名) and whether a reply awaits this deputy's rating."""
    deputy_id = user.deputy.pk
    latest_round = Reply.objects.filter(suggestion=OuterRef("pk")).order_by("-round")
    rated_by_me = CosignerRating.objects.filter(
        suggestion=OuterRef("pk"), reply__round=OuterRef("latest_round"), deputy_id=deputy_id
    )
    return (
        suggestion_list(user)
        .annotate(latest_round=Subquery(latest_round.values("round")[:1]))
        .annotate(
            part=Case(
                When(lead_deputy_id=deputy_id, then=Value(LEAD)),
                default=Value(CO_SIGNER),
                output_field=CharField(),
            ),
            awaits_rating=Case(
                When(lead_deputy_id=deputy_id, status=Status.REPLIED, then=Value(True)),
                When(
                    Q(latest_round__isnull=False)
                    & ~Q(lead_deputy_id=deputy_id)
                    & ~Q(status=Status.VOIDED)
                    & ~Exists(rated_by_me),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-year", "kind", "-number", "-id")
    )


# The government's internal steps, left out of the deputy's 办理过程: drafts under review
# and countersign, and requests that changed nothing the deputy sees (an approved
# extension or return shows as its decision).
INTERNAL_STEPS = frozenset(
    {
        Event.Action.REPLY_DRAFT,
        Event.Action.COUNTERSIGN,
        Event.Action.REPLY_RETURN,
        Event.Action.RETURN_REQUEST,
        Event.Action.RETURN_REJECT,
        Event.Action.EXTENSION_REQUEST,
        Event.Action.EXTENSION_REJECT,
    }
)


@dataclass
class Portal:
    """One item as its deputy sees it, and the rating it may give now."""

    suggestion: Suggestion
    is_lead: bool
    ratings: list[CosignerRating]
    rate_reply: Reply | None  # the round this deputy may rate now, if any

    @property
    def timeline(self) -> list[Event]:
        """办理过程 without the internal steps (from the prefetched events: no query)."""
        return [e for e in self.suggestion.events.all() if e.action not in INTERNAL_STEPS]


def deputy_item_get(user: User, pk: int, *, today: dt.date | None = None) -> Portal | None:
    s = suggestion_get(user, pk)
    if s is None:
        return None
    deputy = user.deputy
    replies = sorted(s.replies.all(), key=lambda r: r.round)
    latest = replies[-1] if replies else None
    is_lead = s.lead_deputy_id == deputy.pk
    ratings = list(s.cosigner_ratings.all())
    rate_reply = None
    if latest is not None and is_lead:
        state = services.ItemState.load(s, today=today or timezone.localdate())
        try:
            services.ACTION_CHECKS["feedback"](state, user)
            rate_reply = latest
        except ValidationError:
            pass
    elif latest is not None and s.status != Status.VOIDED:
        mine = [r for r in ratings if r.reply_id == latest.pk and r.deputy_id == deputy.pk]
        rate_reply = None if mine else latest
    return Portal(s, is_lead, ratings, rate_reply)


def deputies_with_accounts() -> QuerySet[Deputy]:
    """The deputies that have an account, for the office's accounts page."""
    return Deputy.objects.filter(user__isnull=False).select_related("user").order_by("name")
