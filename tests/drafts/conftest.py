"""Online drafting's cast: a lead deputy and three colleagues with accounts, one deputy
without an account, an office clerk, a session whose co-signing closes on 2026-03-05."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from departments.models import CongressSession
from departments.models import Deputy
from departments.models import User
from drafts import services
from drafts.models import Draft
from suggestions.models import Source
from tests.factories import CongressSessionFactory
from tests.factories import DeputyFactory
from tests.factories import deputy_user
from tests.factories import office_user

CLOSES_AT = timezone.make_aware(dt.datetime(2026, 3, 5, 17, 0))
BEFORE = CLOSES_AT - dt.timedelta(days=2)
AFTER = CLOSES_AT + dt.timedelta(minutes=1)


@dataclass
class Cast:
    lead: User
    lead_deputy: Deputy
    wang: User  # invited, will agree
    zhao: User  # invited, will decline
    sun: User  # never answers
    no_account: Deputy
    office: User
    session: CongressSession

    def draft(self, **kwargs) -> Draft:
        facts = {
            "title": "关于增设社区养老服务点的建议",
            "content": "建议在各街道增设社区养老服务点。",
            "source": Source.SESSION,
            "session": self.session,
        }
        return services.draft_create(actor=self.lead, when=BEFORE, **{**facts, **kwargs})

    def invite(self, draft: Draft, *users: User, when=BEFORE) -> Draft:
        services.invitations_send(
            draft=draft,
            actor=self.lead,
            expected_version=draft.version,
            deputies=[u.deputy for u in users],
            when=when,
        )
        draft.refresh_from_db()
        return draft


@pytest.fixture
def cast(db) -> Cast:
    lead_deputy = DeputyFactory(name="陈建华", delegation="南京西路街道代表组")
    lead = deputy_user(lead_deputy, username="chenjh")
    users = {}
    for username, name in (("wang", "王丽"), ("zhao", "赵强"), ("sun", "孙敏")):
        users[username] = deputy_user(DeputyFactory(name=name), username=username)
    session = CongressSessionFactory(
        name="区三届人大一次会议",
        year=2026,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 6),
    )
    office = office_user(username="office")
    services.cosign_deadline_set(session=session, closes_at=CLOSES_AT, actor=office)
    return Cast(
        lead=lead,
        lead_deputy=lead_deputy,
        wang=users["wang"],
        zhao=users["zhao"],
        sun=users["sun"],
        no_account=DeputyFactory(name="钱进"),
        office=office,
        session=session,
    )
