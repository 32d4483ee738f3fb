import datetime as dt
import zoneinfo

import pytest

from suggestions import services
from suggestions.models import Outcome, Satisfaction, Status
from tests.factories import (
    DepartmentFactory,
    SuggestionFactory,
    handler_user,
    office_user,
    supervisor_user,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on a business day, for services' `when=`."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def lead_department(db):
    return DepartmentFactory(name="区房管局")


@pytest.fixture
def co_department(db):
    return DepartmentFactory(name="区建设管理委")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="区绿化市容局")


@pytest.fixture
def office(db):
    return office_user(username="office1")


@pytest.fixture
def supervisor(db):
    return supervisor_user(username="supervisor1")


@pytest.fixture
def lead_handler(lead_department):
    return handler_user(lead_department, username="fangguan1")


@pytest.fixture
def co_handler(co_department):
    return handler_user(co_department, username="jianguan1")


@pytest.fixture
def other_handler(other_department):
    return handler_user(other_department, username="lvhua1")


ASSIGNED_ON = dt.date(2024, 2, 1)


class Journey:
    """Moves an item to a given state through the services, as real users would."""

    def __init__(self, office, lead_handler, co_handler, lead_department, co_department):
        self.office = office
        self.lead_handler = lead_handler
        self.co_handler = co_handler
        self.lead_department = lead_department
        self.co_department = co_department

    def draft(self, **kwargs):
        return SuggestionFactory(**kwargs)

    def to(self, status: str, suggestion=None, *, with_co=True):
        if status == Status.VOIDED:
            s = self.to(Status.IN_PROGRESS, suggestion, with_co=with_co)
            return services.suggestion_void(
                suggestion=s, actor=self.office, reason="重复登记。", when=at(dt.date(2024, 3, 5))
            )
        s = suggestion or self.draft()
        if status == Status.DRAFT:
            return s
        s = services.suggestion_assign(
            suggestion=s,
            lead=self.lead_department,
            co_departments=[self.co_department] if with_co else [],
            actor=self.office,
            assigned_on=ASSIGNED_ON,
            when=at(ASSIGNED_ON),
        )
        if status == Status.ASSIGNED:
            return s
        s = services.assignment_acknowledge(
            suggestion=s, actor=self.lead_handler, when=at(ASSIGNED_ON + dt.timedelta(days=1))
        )
        if status == Status.IN_PROGRESS:
            return s
        if with_co:
            services.co_opinion_submit(
                suggestion=s,
                actor=self.co_handler,
                opinion="同意主办单位意见。",
                when=at(dt.date(2024, 2, 20)),
            )
        services.reply_submit(
            suggestion=s,
            actor=self.lead_handler,
            outcome=Outcome.PLANNED,
            text="已列入明年计划。",
            replied_on=dt.date(2024, 3, 1),
            when=at(dt.date(2024, 3, 1)),
        )
        s.refresh_from_db()
        if status == Status.REPLIED:
            return s
        satisfaction = (
            Satisfaction.UNSATISFIED if status == Status.REWORK else Satisfaction.SATISFIED
        )
        services.feedback_record(
            suggestion=s,
            actor=self.office,
            satisfaction=satisfaction,
            comment="希望加快进度。" if status == Status.REWORK else "",
            received_on=dt.date(2024, 3, 10),
            when=at(dt.date(2024, 3, 10)),
        )
        s.refresh_from_db()
        assert s.status == status
        return s


@pytest.fixture
def journey(office, lead_handler, co_handler, lead_department, co_department):
    return Journey(office, lead_handler, co_handler, lead_department, co_department)
