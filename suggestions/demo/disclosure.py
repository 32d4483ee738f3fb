"""The demo's 办理结果公开 (DESIGN §10): the office publishes part of the 2023 replies of
代表建议 and keeps a few back with a reason, the same ones every time."""

from __future__ import annotations

from publication import services as public_services
from publication.models import Disclosure
from suggestions.demo.build import YEAR
from suggestions.demo.build import Demo
from suggestions.demo.build import at
from suggestions.demo.build import d
from suggestions.models import Kind
from suggestions.models import Reply


def publish_replies(demo: Demo) -> None:
    """First-round replies of the 2023 suggestions: numbers not divisible by 3 are public,
    every tenth is 不公开 (个人隐私); the rest stay undecided."""
    replies = list(
        Reply.objects.filter(suggestion__year=YEAR, suggestion__kind=Kind.SUGGESTION, round=1)
        .select_related("suggestion")
        .order_by("suggestion__number")
    )
    when = at(d(10, 16))
    public_services.disclosure_bulk_publish(
        replies=[r for r in replies if r.suggestion.number % 3 and r.suggestion.number % 10],
        actor=demo.office,
        when=when,
    )
    for reply in replies:
        if reply.suggestion.number % 10 == 0:
            public_services.disclosure_decide(
                reply=reply,
                decision=Disclosure.Decision.NOT_PUBLIC,
                reason=Disclosure.Reason.PRIVACY,
                note="答复涉及具体居民家庭情况。",
                actor=demo.office,
                when=when,
            )
