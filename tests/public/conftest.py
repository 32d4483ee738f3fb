"""Replies to publish. Items are built directly (a reply row on a replied item); every
decision about publication goes through public.services, as the app's pages do."""

from __future__ import annotations

import datetime as dt

import pytest

from publication import services
from publication.models import Disclosure
from suggestions.models import Outcome
from suggestions.models import Reply
from suggestions.models import Status
from tests.factories import SuggestionFactory

# Personal data seeded into replies: none of it may reach a public page.
MOBILE = "13912345678"
ID_NUMBER = "31010619800101123X"
EMAIL = "zhang.san@example.com"
LANDLINE = "021-62581234"
SEEDED_TEXT = (
    f"如有疑问请联系张科长，手机{MOBILE}，座机{LANDLINE}，"
    f"邮箱 {EMAIL}；申请人身份证号{ID_NUMBER}。问题已经解决。"
)


class Replies:
    def __init__(self, office, department):
        self.office = office
        self.department = department

    def make(
        self,
        *,
        year=2024,
        outcome=Outcome.RESOLVED,
        text="相关问题已经解决。",
        department=None,
        **kwargs,
    ):
        s = SuggestionFactory(**{"year": year, "status": Status.REPLIED, **kwargs})
        return Reply.objects.create(
            suggestion=s,
            round=1,
            department=department or self.department,
            outcome=outcome,
            text=text,
            contact_person="李四",
            contact_phone="13700001111",
            replied_on=dt.date(year, 5, 10),
            created_by=self.office,
        )

    def publish(self, reply, **kwargs) -> Disclosure:
        return services.disclosure_decide(
            reply=reply, decision=Disclosure.Decision.PUBLIC, actor=self.office, **kwargs
        )

    def withhold(self, reply, reason=Disclosure.Reason.PRIVACY, note="") -> Disclosure:
        return services.disclosure_decide(
            reply=reply,
            decision=Disclosure.Decision.NOT_PUBLIC,
            reason=reason,
            note=note,
            actor=self.office,
        )

    def published(self, **kwargs) -> Disclosure:
        return self.publish(self.make(**kwargs))


@pytest.fixture
def replies(office, lead_department):
    return Replies(office, lead_department)
