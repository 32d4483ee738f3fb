"""Keeping the similar-suggestion index up to date. The intake services call `on_saved`
after an item is registered or its title or content changed (after the commit: indexing
never fails a registration); a bulk registration is indexed by the queue's worker;
`rebuild` recomputes everything (`python manage.py similar_index --rebuild`)."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db import transaction
from django.db.models import F

from similar.models import SimilarDoc
from similar.models import SimilarPosting
from similar.models import SimilarTerm
from similar.text import term_counts
from suggestions.models import Status
from suggestions.models import Suggestion

logger = logging.getLogger(__name__)

BATCH = 2000
BULK_THRESHOLD = 20  # more items than this in one save go through the queue


def idf(documents: int, total: int) -> float:
    return math.log((total + 1) / (documents + 1)) + 1.0


def tf(count: int) -> float:
    return 1.0 + math.log(count)


def _change_frequencies(delta: Counter) -> None:
    """Add `delta` to each word's document count: one update per distinct change."""
    if not delta:
        return
    SimilarTerm.objects.bulk_create(
        [SimilarTerm(term=t, documents=0) for t in delta], ignore_conflicts=True
    )
    by_change: dict[int, list[str]] = {}
    for term, change in delta.items():
        if change:
            by_change.setdefault(change, []).append(term)
    for change, terms in by_change.items():
        SimilarTerm.objects.filter(term__in=terms).update(documents=F("documents") + change)


@transaction.atomic
def index_items(ids: Iterable[int]) -> int:
    """(Re-)index the items `ids`; a voided or missing item leaves the index. Returns the
    number of items indexed."""
    ids = list(ids)
    delta: Counter = Counter()
    for term in SimilarPosting.objects.filter(suggestion_id__in=ids).values_list("term", flat=True):
        delta[term] -= 1
    SimilarPosting.objects.filter(suggestion_id__in=ids).delete()
    SimilarDoc.objects.filter(suggestion_id__in=ids).delete()
    items = (
        # A split item's parts repeat its text (DESIGN §11): the item stands for them.
        Suggestion.objects.filter(pk__in=ids, part_of__isnull=True)
        .exclude(status=Status.VOIDED)
        .values_list("pk", "year", "title", "content")
    )
    counted = {pk: (year, term_counts(title, content)) for pk, year, title, content in items}
    for _, counts in counted.values():
        delta.update(dict.fromkeys(counts, 1))
    _change_frequencies(delta)
    total = SimilarDoc.objects.count() + len(counted)
    frequencies = dict(
        SimilarTerm.objects.filter(
            term__in={t for _, counts in counted.values() for t in counts}
        ).values_list("term", "documents")
    )
    docs, postings = [], []
    for pk, (year, counts) in counted.items():
        weights = {t: tf(n) for t, n in counts.items()}
        norm = _norm(weights, frequencies, total)
        docs.append(SimilarDoc(suggestion_id=pk, year=year, norm=norm))
        postings += [
            SimilarPosting(suggestion_id=pk, year=year, term=t, tf=w, weight=w / norm)
            for t, w in weights.items()
        ]
    SimilarDoc.objects.bulk_create(docs, batch_size=BATCH)
    SimilarPosting.objects.bulk_create(postings, batch_size=BATCH)
    return len(counted)


def _norm(weights: dict[str, float], frequencies: dict[str, int], total: int) -> float:
    """The length of the item's TF-IDF vector (never 0, it divides)."""
    squares = sum((w * idf(frequencies.get(t, 1), total)) ** 2 for t, w in weights.items())
    return math.sqrt(squares) or 1.0


def refresh_norms(*, batch: int = BATCH) -> None:
    """Recompute every vector length with today's word frequencies (after a rebuild,
    whose early batches saw smaller frequencies)."""
    total = SimilarDoc.objects.count()
    ids = list(SimilarDoc.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        weights: dict[int, dict[str, float]] = {pk: {} for pk in chunk}
        for pk, term, weight in SimilarPosting.objects.filter(suggestion_id__in=chunk).values_list(
            "suggestion_id", "term", "tf"
        ):
            weights[pk][term] = weight
        terms = {t for w in weights.values() for t in w}
        frequencies = dict(
            SimilarTerm.objects.filter(term__in=terms).values_list("term", "documents")
        )
        SimilarDoc.objects.bulk_update(
            [
                SimilarDoc(suggestion_id=pk, norm=_norm(w, frequencies, total))
                for pk, w in weights.items()
            ],
            ["norm"],
            batch_size=batch,
        )
    # Each posting's weight follows its item's new length: one statement for all.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE similar_similarposting SET weight = tf / (SELECT d.norm FROM"
            " similar_similardoc d WHERE d.suggestion_id = similar_similarposting.suggestion_id)"
        )


def on_saved(ids: Iterable[int]) -> None:
    """After the commit: index a few items at once, or leave many to the queue."""
    ids = list(ids)

    def run():
        try:
            if len(ids) > BULK_THRESHOLD:
                from similar.tasks import index_suggestions

                index_suggestions.enqueue(ids)
            else:
                index_items(ids)
        except Exception:
            logger.exception("Could not index %d items for similar suggestions", len(ids))

    transaction.on_commit(run)


def rebuild(*, batch: int = BATCH) -> int:
    """Everything again, from empty."""
    with transaction.atomic():
        SimilarPosting.objects.all().delete()
        SimilarDoc.objects.all().delete()
        SimilarTerm.objects.all().delete()
    ids = list(
        Suggestion.objects.exclude(status=Status.VOIDED)
        .filter(part_of__isnull=True)
        .values_list("pk", flat=True)
    )
    done = 0
    for start in range(0, len(ids), batch):
        done += index_items(ids[start : start + batch])
    refresh_norms(batch=batch)
    return done
