"""The similar-suggestion index (DESIGN §11): each item's words after Chinese word
segmentation, weighted, so the items nearest a new text are found by a few indexed
queries whatever the number of items.

    SimilarDoc      one row per indexed item: its year (the search looks at this and the
                    three previous years) and the length of its TF-IDF vector
    SimilarPosting  (word, item, its year, the word's weight in the item divided by the
                    item's vector length): the inverted index, enough alone to score
    SimilarTerm     (word, how many items hold it): the document frequency behind IDF

The rows are derived data: `python manage.py similar_index --rebuild` recomputes them all.
"""

from __future__ import annotations

from django.db import models


class SimilarDoc(models.Model):
    suggestion = models.OneToOneField(
        "suggestions.Suggestion",
        verbose_name="建议",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="similar_doc",
    )
    year = models.PositiveIntegerField("年度")
    norm = models.FloatField("向量长度")

    class Meta:
        verbose_name = verbose_name_plural = "相似建议索引"
        indexes = [models.Index(fields=["year"], name="similar_doc_year")]

    def __str__(self):
        return f"{self.suggestion_id}"


class SimilarPosting(models.Model):
    term = models.CharField("词", max_length=32)
    suggestion = models.ForeignKey(
        "suggestions.Suggestion", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveIntegerField("年度")
    tf = models.FloatField("词频")
    weight = models.FloatField("归一化词频")

    class Meta:
        verbose_name = verbose_name_plural = "相似建议倒排索引"
        indexes = [
            models.Index(fields=["term", "year"], name="similar_posting_term"),
            models.Index(fields=["suggestion"], name="similar_posting_item"),
        ]

    def __str__(self):
        return f"{self.term}@{self.suggestion_id}"


class SimilarTerm(models.Model):
    term = models.CharField("词", max_length=32, primary_key=True)
    documents = models.PositiveIntegerField("含该词的建议数")

    class Meta:
        verbose_name = verbose_name_plural = "相似建议词表"

    def __str__(self):
        return self.term
