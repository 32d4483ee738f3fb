"""The demo's building blocks: reference data (departments, deputies, users) and one step
per user action (register, assign and acknowledge, reply, feedback, re-check), each going
through the services. suggestions/demo/scenario.py strings them into the scenario.

Every record is made the way users make it (assign, acknowledge, reply, feedback, re-check),
dated in 2023, so the reports computed as of 2023-06-30 and 2023-09-30 give the reference
report's figures. A handful of items dated around today give the workspace live work.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from django.contrib.auth.models import Group

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from departments.models import Role
from departments.models import User
from suggestions import services
from suggestions.demo import data
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import Suggestion

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2023
SESSION_NAME = "区二届人大三次会议"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def d(month: int, day: int, year: int = YEAR) -> dt.date:
    return dt.date(year, month, day)


def working_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass
class Demo:
    office: User
    supervisor: User
    departments: dict[str, Department]
    handlers: dict[str, User]
    district_deputies: list[Deputy]
    city_deputies: list[Deputy]
    session: CongressSession
    rng: random.Random = field(default_factory=lambda: random.Random(2023))

    def handler(self, department: Department) -> User:
        return self.handlers[department.name]


# ---------------------------------------------------------------------------------------
# Reference data


def ensure_reference_data() -> Demo:
    departments = {}
    for order, (name, kind) in enumerate(data.DEPARTMENTS, start=1):
        departments[name], _ = Department.objects.get_or_create(
            name=name, defaults={"kind": kind, "sort_order": order}
        )
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    users = {}
    for username, last, first, role, dept in data.DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": first,
                "department": departments[dept] if dept else None,
                "is_staff": role == Role.SYSADMIN,
            },
        )
        if created:
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(groups[role])
        users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "last_name": "系统",
            "first_name": "管理员",
        },
    )
    if created:
        admin.set_password(data.DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    handlers = {users[u].department.name: users[u] for u in ("fangguan", "lvhua", "jianguan")}
    # Every other department acts through a handler account nobody can log in with.
    for index, department in enumerate(departments.values(), start=1):
        if department.name in handlers:
            continue
        user, created = User.objects.get_or_create(
            username=f"handler{index:02d}",
            defaults={
                "department": department,
                "last_name": department.name,
                "first_name": "经办人",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(groups[Role.HANDLER])
        handlers[department.name] = user

    names = iter(
        f"{surname}{given}" for given, surname in itertools.product(data.GIVEN, data.SURNAMES)
    )
    district, city = [], []
    for i in range(60):
        deputy, _ = Deputy.objects.get_or_create(
            name=next(names),
            level=Deputy.Level.DISTRICT,
            defaults={
                "delegation": data.STREETS[i % len(data.STREETS)] + "代表组",
                "phone": f"139{i:04d}{(i * 7919) % 10000:04d}",
            },
        )
        district.append(deputy)
    for i in range(12):
        deputy, _ = Deputy.objects.get_or_create(
            name=next(names),
            level=Deputy.Level.CITY,
            defaults={"delegation": "静安代表团", "phone": f"137{i:04d}{(i * 104729) % 10000:04d}"},
        )
        city.append(deputy)
    session, _ = CongressSession.objects.get_or_create(
        name=SESSION_NAME, defaults={"year": YEAR, "starts_on": d(1, 4), "ends_on": d(1, 7)}
    )
    return Demo(
        office=users["office"],
        supervisor=users["supervisor"],
        departments=departments,
        handlers=handlers,
        district_deputies=district,
        city_deputies=city,
        session=session,
    )


# ---------------------------------------------------------------------------------------
# Titles


def generated_titles(reserved: set[str]) -> Iterator[tuple[str, str, str]]:
    """Distinct, plausible (title, department, topic) triples, the same on every run."""
    places = ["", *data.STREETS]
    for round_, (verb, place) in enumerate(itertools.product(data.VERBS, places)):
        for department, topic, subjects in data.SUBJECTS:
            # One subject per department per (verb, place), the next one each round:
            # spreads the mix.
            subject = subjects[round_ % len(subjects)]
            title = f"关于{verb}{place}{'地区' if place else ''}{subject}的建议"
            if title not in reserved:
                reserved.add(title)
                yield title, department, topic


# ---------------------------------------------------------------------------------------
# One item's life


def register(demo: Demo, *, title: str, received_on: dt.date, department_topic: str, **fields):
    """登记 through the service, as the office would type it in (kind, source, number,
    lead deputy, co-signers and session pass through)."""
    return services.suggestion_create(
        actor=demo.office,
        title=title,
        received_on=received_on,
        year=received_on.year,
        topic=department_topic,
        content=f"{title.removeprefix('关于').removesuffix('的建议')}，群众反映较多，"
        "建议相关部门统筹研究，加大工作力度，切实解决居民急难愁盼问题。",
        when=at(received_on, 9),
        **fields,
    )


def handle(
    demo: Demo,
    s: Suggestion,
    *,
    lead: Department,
    co: list[Department],
    assigned_on: dt.date,
    ack_on: dt.date,
) -> Suggestion:
    s = services.suggestion_assign(
        suggestion=s,
        lead=lead,
        co_departments=co,
        actor=demo.office,
        assigned_on=assigned_on,
        when=at(assigned_on),
    )
    s = services.assignment_acknowledge(suggestion=s, actor=demo.handler(lead), when=at(ack_on))
    for index, department in enumerate(co):
        services.co_opinion_submit(
            suggestion=s,
            actor=demo.handler(department),
            opinion=f"{department.name}会办意见：同意主办单位的办理方案，将按职责做好配合。",
            when=at(ack_on + dt.timedelta(days=7 + index)),
        )
    return s


def reply(demo: Demo, s: Suggestion, *, lead: Department, outcome: str, on: dt.date, **letter):
    """The lead's reply; `letter=` and `letter_name=` attach a reply letter."""
    handler = demo.handler(lead)
    return services.reply_submit(
        suggestion=s,
        actor=handler,
        outcome=outcome,
        text=data.REPLY_TEXT[outcome],
        replied_on=on,
        promised_on=(on + dt.timedelta(days=PROMISE_DAYS[outcome]))
        if outcome in PROMISE_DAYS
        else None,
        contact_person=str(handler),
        contact_phone="021-6" + f"{lead.pk:07d}",
        when=at(on, 15),
        **letter,
    )


# The promised completion dates of the demo's 正在解决 / 计划解决 replies (DESIGN §11).
PROMISE_DAYS = {Outcome.IN_PROGRESS: 120, Outcome.PLANNED: 300}


def feedback(demo: Demo, s: Suggestion, *, satisfaction: str, on: dt.date, comment: str = ""):
    s.refresh_from_db()
    return services.feedback_record(
        suggestion=s,
        actor=demo.office,
        satisfaction=satisfaction,
        received_on=on,
        comment=comment,
        when=at(on, 11),
    )


def recheck(demo: Demo, s: Suggestion, *, on: dt.date, to: str = Outcome.RESOLVED, findings=""):
    s.refresh_from_db()
    return services.follow_up_record(
        suggestion=s,
        actor=demo.supervisor,
        kind=FollowUp.Kind.RECHECK,
        happened_on=on,
        new_outcome=to,
        consistent_with_reply=True,
        participants="区政府督查室、承办单位",
        findings=findings or "经跟踪复查，承办单位已按计划完成相关工作，代表所提问题已经解决。",
        when=at(on, 16),
    )


# ---------------------------------------------------------------------------------------
# The scenario
