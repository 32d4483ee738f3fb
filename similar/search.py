"""The ten items most like a text (DESIGN §11): this year's and the three previous years',
among the items the reader may read, with the department that handled the most similar
ones proposed as the lead. A fixed number of queries: the words' frequencies, the count of
indexed items, the scored postings, the items, their lead departments."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Case
from django.db.models import F
from django.db.models import FloatField
from django.db.models import Q
from django.db.models import Sum
from django.db.models import Value
from django.db.models import When
from django.utils import timezone

from departments import roles
from departments.models import Department
from departments.models import User
from publication.selectors import published_replies
from similar.index import idf
from similar.index import tf
from similar.models import SimilarDoc
from similar.models import SimilarPosting
from similar.models import SimilarTerm
from similar.text import term_counts
from suggestions.models import Assignment
from suggestions.models import Suggestion
from suggestions.selectors import suggestions_visible_to

LIMIT = 10
YEARS_BACK = 3
MAX_QUERY_WORDS = 60
# The words that rank: the rarest few of the text, never one that a fifth of all items
# hold (its postings are long and it tells little apart). The cosine's length still counts
# every word, so a score stays a lower bound of the full cosine.
SCORED_WORDS = 8
COMMON_SHARE = 0.2


@dataclass(frozen=True)
class Match:
    suggestion: Suggestion
    score: float  # 0–1, the cosine of the two TF-IDF vectors
    department: Department | None  # the lead department now


@dataclass(frozen=True)
class Similar:
    matches: list[Match]
    suggested_department: Department | None


def readable_by(user: User):
    """The items the reader may see in the list: its own read gate, and for a deputy also
    the items whose reply the office published (办理结果公开)."""
    visible = suggestions_visible_to(user)
    if roles.is_deputy(user):
        published = published_replies().values("reply__suggestion_id")
        return Suggestion.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=published))
    return visible


def similar_to(
    user: User,
    *,
    title: str,
    content: str = "",
    exclude: int | None = None,
    today: dt.date | None = None,
) -> Similar:
    counts = term_counts(title, content)
    if not counts:
        return Similar([], None)
    query = dict(counts.most_common(MAX_QUERY_WORDS))
    frequencies = dict(
        SimilarTerm.objects.filter(term__in=query, documents__gt=0).values_list("term", "documents")
    )
    if not frequencies:
        return Similar([], None)
    total = SimilarDoc.objects.count()
    rarest = sorted(frequencies.items(), key=lambda kv: (kv[1], kv[0]))
    scored = [(t, n) for t, n in rarest if n <= total * COMMON_SHARE][:SCORED_WORDS] or rarest[:1]
    weights = {t: tf(query[t]) * idf(n, total) ** 2 for t, n in scored}
    query_norm = math.sqrt(sum((tf(query[t]) * idf(n, total)) ** 2 for t, n in frequencies.items()))
    year = (today or timezone.localdate()).year
    postings = SimilarPosting.objects.filter(term__in=list(weights), year__gte=year - YEARS_BACK)
    if not roles.sees_everything(user):
        postings = postings.filter(suggestion__in=readable_by(user).values("pk"))
    rows = (
        postings.exclude(suggestion_id=exclude)
        .values("suggestion_id")
        .annotate(
            dot=Sum(
                F("weight")
                * Case(
                    *[When(term=t, then=Value(w)) for t, w in weights.items()],
                    output_field=FloatField(),
                )
            )
        )
        .order_by("-dot", "suggestion_id")[:LIMIT]
    )
    scores = {r["suggestion_id"]: min(r["dot"] / query_norm, 1.0) for r in rows}
    return _matches(scores)


def _matches(scores: dict[int, float]) -> Similar:
    if not scores:
        return Similar([], None)
    items = Suggestion.objects.select_related("lead_deputy").in_bulk(list(scores))
    leads = {
        a.suggestion_id: a.department
        for a in Assignment.objects.filter(
            suggestion_id__in=list(scores), is_active=True, role=Assignment.Role.LEAD
        ).select_related("department")
    }
    matches = [
        Match(items[pk], round(score, 3), leads.get(pk))
        for pk, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if pk in items
    ]
    votes: dict[int, float] = {}
    for m in matches:
        if m.department is not None:
            votes[m.department.pk] = votes.get(m.department.pk, 0.0) + m.score
    best = max(votes, key=lambda pk: (votes[pk], -pk), default=None)
    proposed = next(
        (m.department for m in matches if m.department and m.department.pk == best), None
    )
    return Similar(matches, proposed)
