import datetime as dt
import io

import pytest
from django.core.management import call_command

from suggestions import services
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import Source
from suggestions.models import Suggestion
from tests.conftest import at
from tests.conftest import promise
from tests.factories import SuggestionFactory

Q2_2023 = dt.date(2023, 6, 30)
Q3_2023 = dt.date(2023, 9, 30)


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=io.StringIO())


class Items:
    """Builds 2024 items through the services, dated as the test says."""

    def __init__(self, office, supervisor, handler, department):
        self.office = office
        self.supervisor = supervisor
        self.handler = handler
        self.department = department

    def assigned(self, on: dt.date = dt.date(2024, 1, 10), **kwargs) -> Suggestion:
        kwargs.setdefault("received_on", on)
        if kwargs.get("source") == Source.RECESS:
            kwargs.setdefault("session", None)
        s = SuggestionFactory(**kwargs)
        s = services.suggestion_assign(
            suggestion=s, lead=self.department, actor=self.office, assigned_on=on, when=at(on)
        )
        return services.assignment_acknowledge(suggestion=s, actor=self.handler, when=at(on))

    def reply(self, s: Suggestion, outcome: str, on: dt.date) -> Suggestion:
        s.refresh_from_db()
        services.reply_submit(
            suggestion=s,
            actor=self.handler,
            outcome=outcome,
            text="已研究办理。",
            replied_on=on,
            promised_on=promise(outcome, on),
            when=at(on, 15),
        )
        s.refresh_from_db()
        return s

    def replied(
        self, outcome: str, on: dt.date, assigned_on: dt.date = dt.date(2024, 1, 10), **kwargs
    ) -> Suggestion:
        return self.reply(self.assigned(assigned_on, **kwargs), outcome, on)

    def recheck(self, s: Suggestion, on: dt.date, to: str = Outcome.RESOLVED) -> FollowUp:
        s.refresh_from_db()
        return services.follow_up_record(
            suggestion=s,
            actor=self.supervisor,
            kind=FollowUp.Kind.RECHECK,
            happened_on=on,
            new_outcome=to,
            consistent_with_reply=True,
            findings="经跟踪复查，问题已经解决。",
            when=at(on, 16),
        )

    def spot_check(self, s: Suggestion, on: dt.date, consistent: bool = True) -> FollowUp:
        s.refresh_from_db()
        return services.follow_up_record(
            suggestion=s,
            actor=self.supervisor,
            kind=FollowUp.Kind.SPOT_CHECK,
            happened_on=on,
            consistent_with_reply=consistent,
            findings="电话回访抽查：落实情况与答复相符。"
            if consistent
            else "实地走访抽查：尚未落实。",
            when=at(on, 16),
        )

    def feedback(self, s: Suggestion, satisfaction: str, on: dt.date) -> None:
        s.refresh_from_db()
        services.feedback_record(
            suggestion=s,
            actor=self.office,
            satisfaction=satisfaction,
            received_on=on,
            comment="希望加快进度。",
            when=at(on, 11),
        )


@pytest.fixture
def items(office, supervisor, lead_handler, lead_department):
    return Items(office, supervisor, lead_handler, lead_department)
