"""Reads of the supervision pages: the assessment (issued or computed), the populations the
campaigns draw from, and the campaigns with their items, through the read gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet

from departments import roles
from departments.models import User
from reports.selectors import department_figures
from suggestions.asof import in_force_on
from suggestions.asof import lead_on
from suggestions.asof import outcome_on
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.selectors import WORKED_HERE
from suggestions.selectors import suggestions_visible_to
from supervision.assessment import assessment_compute
from supervision.assessment import weights_of
from supervision.models import AssessmentWeights
from supervision.models import IssuedAssessment
from supervision.models import RecheckCampaign
from supervision.models import RecheckItem
from supervision.models import SpotCheckCampaign
from supervision.models import SpotCheckItem

# ---------------------------------------------------------------------------------------
# The assessment


def weights_get(year: int) -> AssessmentWeights | None:
    return AssessmentWeights.objects.filter(year=year).first()


def issued_assessment_for(year: int, as_of: dt.date) -> IssuedAssessment | None:
    return IssuedAssessment.objects.filter(year=year, as_of=as_of).order_by("-issued_at").first()


def assessment_compute_for(year: int, as_of: dt.date) -> dict[str, Any]:
    """The assessment computed now, with the year's current weights."""
    return assessment_compute(
        department_figures(year=year, as_of=as_of), weights_of(weights_get(year))
    )


def assessment_get(year: int, as_of: dt.date) -> tuple[dict[str, Any], IssuedAssessment | None]:
    """The issued assessment of the year and date when there is one (frozen), else computed."""
    issued = issued_assessment_for(year, as_of)
    if issued is not None:
        return issued.data, issued
    return assessment_compute_for(year, as_of), None


# ---------------------------------------------------------------------------------------
# What campaigns draw from


def spot_population(
    actor: User, *, start: dt.date, end: dt.date, department_ids
) -> dict[int, list[int]]:
    """Query: per lead department (on `end`), the items that became 已经解决 in the period
    and still were on its last day, not voided then."""
    resolved_in_period = OutcomeChange.objects.filter(
        suggestion=OuterRef("pk"),
        to_outcome=Outcome.RESOLVED,
        effective_on__gte=start,
        effective_on__lte=end,
    )
    rows = (
        suggestions_visible_to(actor)
        # Checked where handled (DESIGN §11): a merged group on its primary, a split item
        # on its parts; what is found reaches the others through the services.
        .filter(WORKED_HERE, in_force_on(end), Exists(resolved_in_period))
        .annotate(outcome_end=outcome_on(end), lead_end=lead_on(end))
        .filter(outcome_end=Outcome.RESOLVED, lead_end__in=list(department_ids))
        .order_by("pk")
        .values_list("lead_end", "pk")
    )
    population: dict[int, list[int]] = {}
    for department_id, pk in rows:
        population.setdefault(department_id, []).append(pk)
    return population


def recheck_population(actor: User, *, end: dt.date) -> list[dict[str, Any]]:
    """Query: the items whose outcome on `end` was 正在解决 / 计划解决, not voided then, with
    their lead department on `end` and their promised completion date."""
    return list(
        suggestions_visible_to(actor)
        .filter(WORKED_HERE, in_force_on(end))
        .annotate(outcome_end=outcome_on(end), lead_end=lead_on(end))
        .filter(outcome_end__in=FOLLOW_UP_OUTCOMES, lead_end__isnull=False)
        .order_by("pk")
        .values("pk", "lead_end", "outcome_end", "promised_on")
    )


# ---------------------------------------------------------------------------------------
# Campaigns


def _progress(items: QuerySet, done: Q) -> QuerySet:
    return items.values("campaign_id").annotate(total=Count("pk"), done=Count("pk", filter=done))


def spot_campaign_list() -> list[SpotCheckCampaign]:
    """Query: the campaigns; query: their progress."""
    campaigns = list(SpotCheckCampaign.objects.select_related("created_by"))
    progress = {
        p["campaign_id"]: p for p in _progress(SpotCheckItem.objects.order_by(), ~Q(finding=""))
    }
    for c in campaigns:
        p = progress.get(c.pk, {"total": 0, "done": 0})
        c.total, c.done = p["total"], p["done"]
    return campaigns


def recheck_campaign_list() -> list[RecheckCampaign]:
    """Query: the campaigns; query: their progress."""
    campaigns = list(RecheckCampaign.objects.select_related("created_by"))
    progress = {
        p["campaign_id"]: p
        for p in _progress(RecheckItem.objects.order_by(), Q(checked_on__isnull=False))
    }
    for c in campaigns:
        p = progress.get(c.pk, {"total": 0, "done": 0})
        c.total, c.done = p["total"], p["done"]
    return campaigns


def campaign_items(user: User, items: QuerySet) -> QuerySet:
    """A campaign's items the user may see: all for those who run campaigns, a handler's
    own department's only, and always through the read gate."""
    items = items.filter(suggestion__in=suggestions_visible_to(user).values("pk"))
    if not roles.may_supervise(user):
        items = items.filter(department_id=getattr(user, "department_id", None))
    return items.select_related("suggestion", "department").prefetch_related("evidence")


def department_progress(items: list) -> list[dict[str, Any]]:
    """Per department: (name, total, done), from the items already read."""
    table: dict[int, dict[str, Any]] = {}
    for item in items:
        row = table.setdefault(
            item.department_id, {"department": item.department.name, "total": 0, "done": 0}
        )
        row["total"] += 1
        row["done"] += bool(item.finding if isinstance(item, SpotCheckItem) else item.checked_on)
    return list(table.values())


def recheck_tasks_for(user: User, *, today: dt.date) -> list[RecheckItem]:
    """我的待办: the handler's department's items of re-check campaigns not yet re-checked."""
    if not roles.is_handler(user):
        return []
    return list(
        campaign_items(user, RecheckItem.objects.filter(checked_on__isnull=True))
        .prefetch_related(None)  # one query, whatever the number of tasks
        .select_related("campaign")
        .order_by("campaign__due_on", "suggestion__number")[:100]
    )
