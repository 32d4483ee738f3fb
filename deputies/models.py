"""What deputies record themselves that is not the item's own record.

A co-signer's rating lives here, not in `suggestions.Feedback`: the item's rating in the
statistics, its state (办结 / 重新办理) and the as-of queries read only the lead deputy's
rating (DESIGN §10), so a co-signer's rating changes nothing there; it is recorded, shown
to the deputy, the office and the departments, and read by nothing else.
"""

from django.conf import settings
from django.db import models

from departments.models import Deputy
from departments.models import protected_fk
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Suggestion


class CosignerRating(models.Model):
    """A co-signing deputy's rating of one reply round, given in the portal."""

    # The item as well as the round (as suggestions.Feedback has): the item's pages fetch
    # its ratings in one query whatever its history.
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name="建议",
        on_delete=models.CASCADE,
        related_name="cosigner_ratings",
    )
    reply = models.ForeignKey(
        Reply, verbose_name="答复", on_delete=models.CASCADE, related_name="cosigner_ratings"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name="联名代表", on_delete=models.PROTECT, related_name="ratings"
    )
    satisfaction = models.CharField("满意度", max_length=20, choices=Satisfaction.choices)
    comment = models.TextField("代表意见", blank=True)
    created_by = protected_fk(settings.AUTH_USER_MODEL, "评价账号")
    created_at = models.DateTimeField("评价时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "联名代表评价"
        ordering = ["reply_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply", "deputy"], name="cosigner_rating_once_per_reply"
            ),
        ]

    def __str__(self):
        return f"{self.deputy}：{self.get_satisfaction_display()}"
