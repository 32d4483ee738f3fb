import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models.signals import post_migrate
from django.utils import timezone

from departments.models import Department
from departments.models import User
from suggestions import services
from suggestions.deadlines import add_months
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory
from tests.factories import handler_user
from tests.factories import office_user
from tests.factories import supervisor_user
from tests.reference import restore_after_flush

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# After a transactional test's flush, the calendar and the policy come back (tests/reference.py).
post_migrate.connect(
    restore_after_flush, sender=apps.get_app_config("suggestions"), dispatch_uid="tests.reference"
)


def promise(outcome: str, replied_on: dt.date | None = None) -> dt.date | None:
    """The promised completion date a 正在解决 / 计划解决 reply carries (DESIGN §11): half a
    year after the reply; None for the other outcomes."""
    if outcome not in FOLLOW_UP_OUTCOMES:
        return None
    return (replied_on or timezone.localdate()) + dt.timedelta(days=180)


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


@dataclass
class Cast:
    """Who moves an item along: the office and the handlers of the lead (区房管局) and co
    (区建设管理委) departments."""

    office: User
    lead_handler: User
    co_handler: User
    lead_department: Department
    co_department: Department

    def draft(self, **kwargs) -> Suggestion:
        return SuggestionFactory(**kwargs)


class Journey(Cast):
    """Moves an item to a given state through the services, as real users would."""

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
            promised_on=dt.date(2024, 12, 31),
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


# A small, valid PDF: the letter validator checks the extension, the type and "%PDF-".
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Stages(Cast):
    """Builds an item at each stage through the services, dated today (no `when=`), so that
    the return window (5 working days after assignment) is open and the dates that forms and
    the API default to (today) are valid.

    draft        registered, not assigned (handlers do not see it)
    assigned     assigned to 区房管局 (lead) + 区建设管理委 (co); nobody has signed for it
    in_progress  as assigned, and the lead signed for it; the co department has neither
                 signed nor sent its opinion
    ready        as in_progress, plus the co opinion: the lead may reply
    replied      as ready, plus the lead's reply (计划解决), with a PDF letter unless
                 `letter` is False
    pending      as in_progress, plus a pending return request and a pending extension request
    """

    letter: bool = True

    def assigned(self, **kwargs) -> Suggestion:
        s = services.suggestion_assign(
            suggestion=self.draft(**kwargs),
            lead=self.lead_department,
            co_departments=[self.co_department],
            actor=self.office,
        )
        return Suggestion.objects.get(pk=s.pk)

    def in_progress(self, **kwargs) -> Suggestion:
        s = self.assigned(**kwargs)
        services.assignment_acknowledge(suggestion=s, actor=self.lead_handler)
        return Suggestion.objects.get(pk=s.pk)

    def ready(self, **kwargs) -> Suggestion:
        s = self.in_progress(**kwargs)
        services.co_opinion_submit(suggestion=s, actor=self.co_handler, opinion="同意主办意见。")
        return Suggestion.objects.get(pk=s.pk)

    def replied(self, **kwargs) -> Suggestion:
        s = self.ready(**kwargs)
        letter = (
            {"letter": ContentFile(PDF, name="dafuhan.pdf"), "letter_name": "dafuhan.pdf"}
            if self.letter
            else {}
        )
        services.reply_submit(
            suggestion=s,
            actor=self.lead_handler,
            outcome=Outcome.PLANNED,
            text="已列入明年计划。",
            promised_on=promise(Outcome.PLANNED),
            **letter,
        )
        return Suggestion.objects.get(pk=s.pk)

    def pending(self, **kwargs) -> Suggestion:
        s = self.in_progress(**kwargs)
        services.return_request(suggestion=s, actor=self.lead_handler, reason="不属于本单位职责。")
        services.extension_request(
            suggestion=s,
            actor=self.lead_handler,
            requested_due_on=add_months(s.due_on, 1),
            reason="需要协调多个部门。",
        )
        return Suggestion.objects.get(pk=s.pk)

    def build(self, stage: str, **kwargs) -> Suggestion:
        return getattr(self, stage)(**kwargs)


@pytest.fixture
def stages(office, lead_handler, co_handler, lead_department, co_department, settings, tmp_path):
    """Items at each stage, dated today; the replied one's letter lands in a per-test folder."""
    settings.MEDIA_ROOT = tmp_path
    return Stages(office, lead_handler, co_handler, lead_department, co_department)
