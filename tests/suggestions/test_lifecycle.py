"""The happy path through every state, and what it leaves behind."""

import datetime as dt

from suggestions import services
from suggestions.models import Event
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Status
from tests.conftest import at


def test_full_lifecycle_reaches_each_state(journey):
    for status in Status:
        s = journey.to(status)
        assert s.status == status


def test_rework_gets_one_month_from_the_feedback_and_a_second_reply_round(journey):
    s = journey.to(Status.REWORK)
    assert s.due_on == dt.date(2024, 4, 10)
    reply = services.reply_submit(
        suggestion=s,
        actor=journey.lead_handler,
        outcome=Outcome.RESOLVED,
        text="已重新办理并解决。",
        replied_on=dt.date(2024, 4, 1),
        when=at(dt.date(2024, 4, 1)),
    )
    s.refresh_from_db()
    assert reply.round == 2
    assert s.status == Status.REPLIED
    assert s.outcome == Outcome.RESOLVED
    assert s.first_replied_on == dt.date(2024, 3, 1)
    assert list(
        OutcomeChange.objects.filter(suggestion=s).values_list("from_outcome", "to_outcome")
    ) == [("", Outcome.PLANNED), (Outcome.PLANNED, Outcome.RESOLVED)]
    assert Event.objects.filter(suggestion=s, action=Event.Action.REPLY).count() == 2
