"""Build the Jing'an 2023 reference scenario (DESIGN §6) through the services.

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
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction

from departments.models import CongressSession, Department, Deputy, Role, User
from suggestions import services
from suggestions.demo import data
from suggestions.models import FollowUp, Kind, Outcome, Satisfaction, Source, Suggestion

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


def register(
    demo: Demo,
    *,
    title,
    department_topic,
    kind,
    source,
    received_on,
    number,
    lead_deputy,
    co_signers=(),
    session=None,
) -> Suggestion:
    return services.suggestion_create(
        actor=demo.office,
        title=title,
        lead_deputy=lead_deputy,
        co_signers=co_signers,
        received_on=received_on,
        kind=kind,
        source=source,
        year=received_on.year,
        number=number,
        session=session,
        topic=department_topic,
        content=f"{title.removeprefix('关于').removesuffix('的建议')}，群众反映较多，"
        "建议相关部门统筹研究，加大工作力度，切实解决居民急难愁盼问题。",
        when=at(received_on, 9),
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


def reply(demo: Demo, s: Suggestion, *, lead: Department, outcome: str, on: dt.date):
    handler = demo.handler(lead)
    return services.reply_submit(
        suggestion=s,
        actor=handler,
        outcome=outcome,
        text=data.REPLY_TEXT[outcome],
        replied_on=on,
        contact_person=str(handler),
        contact_phone="021-6" + f"{lead.pk:07d}",
        when=at(on, 15),
    )


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


def build_suggestions(demo: Demo) -> None:
    rng = demo.rng
    deps = demo.departments
    reserved = {t for t, *_ in data.UPGRADED_TITLES} | {t for t, *_ in data.SPOT_CHECKED_TITLES}
    reserved.add(data.UNSATISFIED_TITLE[0])
    titles = generated_titles(reserved)

    # 169 session items: outcomes as of 2023-06-30 are 132/5/13/19 (DESIGN §6).
    special = (
        [(t, dep, topic, outcome) for t, dep, topic, outcome in data.UPGRADED_TITLES]
        + [(t, dep, topic, Outcome.RESOLVED) for t, dep, topic in data.SPOT_CHECKED_TITLES]
        + [(*data.UNSATISFIED_TITLE, Outcome.FOR_REFERENCE)]
    )
    remaining = {
        Outcome.RESOLVED: 132,
        Outcome.IN_PROGRESS: 5,
        Outcome.PLANNED: 13,
        Outcome.FOR_REFERENCE: 19,
    }
    for *_, outcome in special:
        remaining[outcome] -= 1
    outcomes = [o for o, n in remaining.items() for _ in range(n)]
    rng.shuffle(outcomes)
    plan = special + [(*next(titles), o) for o in outcomes]
    rng.shuffle(plan)

    reply_days = working_dates(d(3, 6), d(5, 5))
    # Six items a Q3 re-check upgrades to 已经解决: the two the report names, and two more
    # of each of 正在解决 and 计划解决.
    named = {t for t, *_ in data.UPGRADED_TITLES}
    upgrade_titles = set(named)
    for wanted in (Outcome.IN_PROGRESS, Outcome.PLANNED):
        others = sorted(t for t, _, _, o in plan if o == wanted and t not in named)
        upgrade_titles.update(others[:2])
    upgraded, spot_checks = [], []
    unsatisfied = None
    department_names = [n for n, _ in data.DEPARTMENTS if n in deps]

    for number, (title, lead_name, topic, outcome) in enumerate(plan, start=1):
        lead = deps[lead_name]
        deputies = rng.sample(demo.district_deputies, 3)
        s = register(
            demo,
            title=title,
            department_topic=topic,
            kind=Kind.SUGGESTION,
            source=Source.SESSION,
            received_on=d(1, 9),
            number=number,
            lead_deputy=deputies[0],
            co_signers=deputies[1 : rng.randint(1, 3)],
            session=demo.session,
        )
        co = []
        if number % 5 == 0:
            co = [deps[rng.choice([n for n in department_names if n != lead_name])]]
        s = handle(demo, s, lead=lead, co=co, assigned_on=d(2, 8), ack_on=d(2, 10))
        replied_on = reply_days[(number * 7) % len(reply_days)]
        if title == data.UNSATISFIED_TITLE[0]:
            replied_on = d(4, 10)
        reply(demo, s, lead=lead, outcome=outcome, on=replied_on)

        if title == data.UNSATISFIED_TITLE[0]:
            unsatisfied = (s, lead)
            continue
        if title in upgrade_titles:
            upgraded.append(s)
        if title in {t for t, *_ in data.SPOT_CHECKED_TITLES} or (
            outcome == Outcome.RESOLVED and number % 23 == 0
        ):
            spot_checks.append(s)
        # Most deputies answer within two weeks; some never do (the item stays 已答复).
        if number % 9 != 0:
            rating = Satisfaction.SATISFIED if number % 4 else Satisfaction.BASICALLY_SATISFIED
            feedback(demo, s, satisfaction=rating, on=replied_on + dt.timedelta(days=14))

    assert len(upgraded) == 6, [u.title for u in upgraded]

    # The 不满意 item: supervision, visits, a second reply round, then understanding.
    s, lead = unsatisfied
    feedback(
        demo,
        s,
        satisfaction=Satisfaction.UNSATISFIED,
        on=d(6, 20),
        comment="代表认为改造进度偏慢，希望明确时间表。",
    )
    s.refresh_from_db()
    services.suggestion_set_key_supervision(
        suggestion=s,
        actor=demo.supervisor,
        key_supervision=True,
        note="代表不满意，列为重点督办。",
        when=at(d(6, 21)),
    )
    s.refresh_from_db()
    services.follow_up_record(
        suggestion=s,
        actor=demo.supervisor,
        kind=FollowUp.Kind.SUPERVISION,
        happened_on=d(6, 26),
        participants="区政府督查室、区人大代表工作室、区房管局",
        findings="会同区人大代表工作室约谈承办部门，要求主动与代表沟通，定期通报进展。",
        when=at(d(6, 26)),
    )
    s.refresh_from_db()
    services.follow_up_record(
        suggestion=s,
        actor=demo.handler(lead),
        kind=FollowUp.Kind.VISIT,
        happened_on=d(7, 5),
        participants="区房管局分管领导、街道人大工委",
        findings="上门走访代表，介绍旧改政策和征询进展。",
        when=at(d(7, 5)),
    )
    s.refresh_from_db()
    services.follow_up_record(
        suggestion=s,
        actor=demo.handler(lead),
        kind=FollowUp.Kind.MEETING,
        happened_on=d(7, 12),
        participants="区房管局、彭浦新村街道、代表",
        findings="与代表面商，明确下一步工作时间节点。",
        when=at(d(7, 12)),
    )
    s.refresh_from_db()
    reply(demo, s, lead=lead, outcome=Outcome.FOR_REFERENCE, on=d(7, 15))
    feedback(
        demo,
        s,
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        on=d(8, 10),
        comment="经多次走访沟通，代表表示理解，希望继续跟踪推进。",
    )

    # Q3 re-checks: 3 正在解决 and 3 计划解决 become 已经解决.
    for index, s in enumerate(upgraded):
        recheck(demo, s, on=d(7, 20) + dt.timedelta(days=9 * index))

    # Spot checks of resolved items, by site visit and phone callback.
    for index, s in enumerate(spot_checks):
        s.refresh_from_db()
        how = "实地走访" if index % 2 == 0 else "电话回访"
        services.follow_up_record(
            suggestion=s,
            actor=demo.supervisor,
            kind=FollowUp.Kind.SPOT_CHECK,
            happened_on=d(8, 14) + dt.timedelta(days=3 * index),
            consistent_with_reply=True,
            participants="区政府督查室",
            findings=f"{how}抽查：相关问题已得到较好落实，与“已经解决”的办理结果相吻合。",
            when=at(d(8, 14) + dt.timedelta(days=3 * index)),
        )

    # 7 recess items: 6 replied in Q3 before their due date, all resolved; 1 still open.
    recess = [
        (d(4, 12), d(4, 20), d(7, 10)),
        (d(5, 4), d(5, 10), d(7, 28)),
        (d(5, 18), d(5, 25), d(8, 15)),
        (d(6, 1), d(6, 8), d(8, 30)),
        (d(6, 9), d(6, 15), d(9, 8)),
        (d(6, 19), d(6, 26), d(9, 20)),
        (d(8, 14), d(8, 21), None),
    ]
    for offset, (received_on, assigned_on, replied_on) in enumerate(recess):
        title, lead_name, topic = next(titles)
        lead = deps[lead_name]
        s = register(
            demo,
            title=title,
            department_topic=topic,
            kind=Kind.SUGGESTION,
            source=Source.RECESS,
            received_on=received_on,
            number=len(plan) + 1 + offset,
            lead_deputy=demo.district_deputies[offset * 5],
        )
        s = handle(
            demo,
            s,
            lead=lead,
            co=[],
            assigned_on=assigned_on,
            ack_on=assigned_on + dt.timedelta(days=2),
        )
        if replied_on:
            reply(demo, s, lead=lead, outcome=Outcome.RESOLVED, on=replied_on)
            feedback(
                demo, s, satisfaction=Satisfaction.SATISFIED, on=replied_on + dt.timedelta(days=10)
            )
        else:
            # Replied in the fourth quarter: after the reference date, so Q3 shows it open.
            reply(demo, s, lead=lead, outcome=Outcome.RESOLVED, on=d(10, 25))


COMMUNITY_DEPARTMENTS = [
    ("区绿化市容局", 16),
    ("区房管局", 14),
    ("区建设管理委", 6),
    ("区交警支队", 5),
    ("区城管执法局", 5),
    ("区民政局", 4),
    ("区卫生健康委", 4),
    ("区市场监管局", 3),
    ("区生态环境局", 3),
    ("区教育局", 3),
    ("区商务委", 3),
    ("区体育局", 2),
    ("区文化旅游局", 2),
    ("南京西路街道", 3),
    ("静安寺街道", 3),
    ("江宁路街道", 3),
    ("曹家渡街道", 3),
    ("大宁路街道", 3),
    ("彭浦新村街道", 3),
    ("临汾路街道", 2),
]
COMMUNITY_SUBJECTS = [
    "居民区停车难",
    "弄堂路面破损",
    "小区门口路灯不亮",
    "垃圾箱房异味",
    "绿地缺少养护",
    "楼道堆物",
    "加装电梯协调",
    "菜场周边秩序",
    "沿街商铺噪声",
    "非机动车乱停放",
    "公交站点设置",
    "健身设施老化",
    "为老服务点不足",
    "雨污混接",
    "屋顶漏水",
]


def build_community_opinions(demo: Demo) -> None:
    rng = demo.rng
    outcomes = (
        [Outcome.RESOLVED] * 48
        + [Outcome.IN_PROGRESS] * 17
        + [Outcome.PLANNED] * 12
        + [Outcome.FOR_REFERENCE] * 13
    )
    rng.shuffle(outcomes)
    leads = [name for name, n in COMMUNITY_DEPARTMENTS for _ in range(n)]
    reply_days = working_dates(d(6, 5), d(8, 10))
    deputies = demo.city_deputies + demo.district_deputies[:30]
    for number, (lead_name, outcome) in enumerate(zip(leads, outcomes, strict=True), start=1):
        lead = demo.departments[lead_name]
        street = data.STREETS[number % len(data.STREETS)]
        subject = COMMUNITY_SUBJECTS[number % len(COMMUNITY_SUBJECTS)]
        s = register(
            demo,
            title=f"关于解决{street}辖区{subject}问题的意见建议（{number}）",
            department_topic="social_governance",
            kind=Kind.COMMUNITY_OPINION,
            source=Source.RECESS,
            received_on=d(4, 28),
            number=number,
            lead_deputy=deputies[number % len(deputies)],
        )
        s = handle(demo, s, lead=lead, co=[], assigned_on=d(5, 15), ack_on=d(5, 17))
        replied_on = reply_days[(number * 5) % len(reply_days)]
        reply(demo, s, lead=lead, outcome=outcome, on=replied_on)
        if rng.random() < 0.8:
            feedback(
                demo, s, satisfaction=Satisfaction.SATISFIED, on=replied_on + dt.timedelta(days=12)
            )


def build_live_items(demo: Demo, today: dt.date) -> None:
    """A few items around today, so every role's workspace has something to do."""
    deps = demo.departments
    fangguan, lvhua, jianguan = deps["区房管局"], deps["区绿化市容局"], deps["区建设管理委"]
    year = today.year
    reserved: set[str] = set(Suggestion.objects.values_list("title", flat=True))
    titles = generated_titles(reserved)

    def new(days_ago: int, number: int, source=Source.RECESS):
        title, _, topic = next(titles)
        return register(
            demo,
            title=title,
            department_topic=topic,
            kind=Kind.SUGGESTION,
            source=source,
            received_on=today - dt.timedelta(days=days_ago),
            number=number,
            lead_deputy=demo.district_deputies[number % 60],
        )

    base = (Suggestion.objects.filter(year=year, kind=Kind.SUGGESTION).count()) + 1

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    # Two drafts waiting to be assigned.
    new(3, base)
    new(2, base + 1)
    # Just assigned: 区房管局 leads, 区建设管理委 co-handles; nobody has signed yet.
    s = new(6, base + 2)
    services.suggestion_assign(
        suggestion=s,
        lead=fangguan,
        co_departments=[jianguan],
        actor=demo.office,
        assigned_on=ago(1),
        when=at(ago(1)),
    )
    # Due soon (assigned ~3 months minus a week ago) and overdue items.
    for number, (lead, days) in enumerate(
        [(fangguan, 84), (lvhua, 110), (jianguan, 60), (fangguan, 120)], start=base + 3
    ):
        s = new(days + 5, number)
        handle(demo, s, lead=lead, co=[], assigned_on=ago(days), ack_on=ago(days - 1))
    # Replied, waiting for the deputy's rating; and one in rework after 不满意.
    s = new(70, base + 7)
    s = handle(demo, s, lead=lvhua, co=[], assigned_on=ago(65), ack_on=ago(64))
    reply(demo, s, lead=lvhua, outcome=Outcome.IN_PROGRESS, on=ago(10))
    s = new(80, base + 8)
    s = handle(demo, s, lead=fangguan, co=[], assigned_on=ago(75), ack_on=ago(74))
    reply(demo, s, lead=fangguan, outcome=Outcome.PLANNED, on=ago(30))
    feedback(
        demo,
        s,
        satisfaction=Satisfaction.UNSATISFIED,
        on=ago(5),
        comment="代表希望提前实施，请重新研究。",
    )


@transaction.atomic
def load_demo(*, today: dt.date) -> bool:
    """Build the demo once; returns False (and changes nothing) when it is already there."""
    demo = ensure_reference_data()
    if Suggestion.objects.filter(year=YEAR).exists():
        return False
    build_suggestions(demo)
    build_community_opinions(demo)
    build_live_items(demo, today)
    return True
