"""办理结果公开 (DESIGN §10): the office's decision, reply by reply, whether the public may
read it. Only a reply marked 公开 appears under /public/; every change is kept in the
history (who, when, what) and written to the security audit log as a publication."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from departments.models import protected_fk
from suggestions.models import Reply


def new_public_id() -> str:
    """The public page's address: 128 random bits, so unpublished replies cannot be found
    by counting."""
    return secrets.token_urlsafe(16)


class Disclosure(models.Model):
    class Decision(models.TextChoices):
        PUBLIC = "public", "公开"
        NOT_PUBLIC = "not_public", "不公开"

    class Reason(models.TextChoices):
        STATE_SECRET = "state_secret", "涉及国家秘密"
        TRADE_SECRET = "trade_secret", "涉及商业秘密"
        PRIVACY = "privacy", "涉及个人隐私"
        OTHER = "other", "其他"

    reply = models.OneToOneField(
        Reply, verbose_name="答复", on_delete=models.CASCADE, related_name="disclosure"
    )
    decision = models.CharField("公开属性", max_length=12, choices=Decision.choices)
    reason = models.CharField("不公开理由", max_length=20, choices=Reason.choices, blank=True)
    note = models.TextField("说明", blank=True)
    # The reply text as the public reads it, personal data masked (public.masking), written
    # with each decision (a reply is never edited): the public search looks here, so a
    # masked phone number or e-mail cannot be found by searching for part of it.
    public_text = models.TextField("公开文本", blank=True, editable=False)
    public_id = models.CharField(
        "公开页地址", max_length=32, unique=True, default=new_public_id, editable=False
    )
    decided_by = protected_fk(settings.AUTH_USER_MODEL, "决定人")
    decided_at = models.DateTimeField("决定时间")
    first_published_at = models.DateTimeField("首次公开时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "办理结果公开"
        constraints = [
            # 公开 has no reason; 不公开 always has one.
            models.CheckConstraint(
                condition=(
                    Q(decision="public", reason="") | (Q(decision="not_public") & ~Q(reason=""))
                ),
                name="disclosure_reason_iff_not_public",
            ),
        ]
        indexes = [models.Index(fields=["decision", "reply"], name="disclosure_decision")]

    def __str__(self):
        return f"{self.reply}：{self.get_decision_display()}"

    @property
    def is_public(self) -> bool:
        return self.decision == self.Decision.PUBLIC
