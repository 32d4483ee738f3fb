"""What the drafting pages read. A deputy reaches its own drafts and the drafts it was
invited to co-sign, nothing else; the office reaches every draft sent to it (never one a
deputy is still writing)."""

from __future__ import annotations

from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet

from departments import roles
from departments.models import Deputy
from departments.models import User
from drafts.models import Draft
from drafts.models import DraftStatus
from drafts.models import Invitation
from drafts.models import InvitationStatus
from suggestions.bounds import search_words


def _with_counts(drafts: QuerySet[Draft]) -> QuerySet[Draft]:
    return drafts.select_related("lead_deputy", "session", "suggestion").annotate(
        signed=Count("invitations", filter=Q(invitations__status=InvitationStatus.ACCEPTED)),
        waiting=Count("invitations", filter=Q(invitations__status=InvitationStatus.PENDING)),
    )


def drafts_visible_to(user: User) -> QuerySet[Draft]:
    """The one read gate of drafts."""
    if roles.is_deputy(user):
        deputy_id = user.deputy.pk
        return Draft.objects.filter(
            Q(lead_deputy_id=deputy_id) | Q(invitations__deputy_id=deputy_id)
        ).distinct()
    if roles.is_office(user) or roles.is_supervisor(user):
        return Draft.objects.exclude(status__in=[DraftStatus.DRAFT, DraftStatus.COSIGNING])
    return Draft.objects.none()


def deputy_drafts(user: User) -> QuerySet[Draft]:
    """The drafts the deputy leads, last touched first, with their co-signing counts."""
    return _with_counts(Draft.objects.filter(lead_deputy_id=user.deputy.pk)).order_by(
        "-updated_at", "-id"
    )


def deputy_invitations(user: User) -> QuerySet[Invitation]:
    """The invitations the deputy received, the unanswered first."""
    return (
        Invitation.objects.filter(deputy_id=user.deputy.pk)
        .exclude(draft__status=DraftStatus.DRAFT)
        .select_related("draft", "draft__lead_deputy", "draft__session")
        .order_by("-status", "-invited_at", "-id")  # pending > declined > accepted
    )


def review_queue(*, decided: bool = False) -> QuerySet[Draft]:
    """The office's queue: the submitted drafts, oldest first; or the decided ones."""
    if decided:
        statuses = [DraftStatus.ACCEPTED, DraftStatus.CONVERTED, DraftStatus.DECLINED]
        return _with_counts(Draft.objects.filter(status__in=statuses)).order_by("-decided_at")
    return _with_counts(Draft.objects.filter(status=DraftStatus.SUBMITTED)).order_by(
        "submitted_at", "id"
    )


def draft_get(user: User, pk: int) -> Draft | None:
    """One draft through the read gate, with its invitations and timeline, or None."""
    return (
        drafts_visible_to(user)
        .select_related("lead_deputy", "session", "suggestion", "decided_by")
        .prefetch_related("invitations__deputy", "events__actor")
        .filter(pk=pk)
        .first()
    )


def invitable_deputies(draft: Draft, query: str = "") -> QuerySet[Deputy]:
    """Serving deputies with an account who are not the lead and not yet invited,
    matching `query` in the name, delegation or workplace."""
    deputies = (
        Deputy.objects.filter(is_active=True, user__isnull=False, user__is_active=True)
        .exclude(pk=draft.lead_deputy_id)
        .exclude(cosign_invitations__draft=draft)
        .order_by("name", "id")
    )
    query = search_words(query, 50)
    if query:
        deputies = deputies.filter(
            Q(name__icontains=query)
            | Q(delegation__icontains=query)
            | Q(workplace__icontains=query)
        )
    return deputies


def pending_invitation_count(user: User) -> int:
    if not roles.is_deputy(user):
        return 0
    return Invitation.objects.filter(
        deputy_id=user.deputy.pk,
        status=InvitationStatus.PENDING,
        draft__status=DraftStatus.COSIGNING,
    ).count()
