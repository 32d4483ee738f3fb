"""The Jing'an 2023 reference scenario (DESIGN §6), step by step, through the services.

The steps run in this order and draw from the one seeded random generator in this order,
so the same data comes out on every load: the 169 session items, the 不满意 item's story,
the third quarter's re-checks and spot checks, the 7 recess items, the 90 community
opinions, and a few live items dated around today.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction

from drafts.demo import build_demo_drafts
from notices.demo import build_demo_notices
from similar import index as similar_index
from suggestions import services
from suggestions.demo import data
from suggestions.demo import portal
from suggestions.demo.build import YEAR
from suggestions.demo.build import Demo
from suggestions.demo.build import at
from suggestions.demo.build import d
from suggestions.demo.build import ensure_reference_data
from suggestions.demo.build import feedback
from suggestions.demo.build import generated_titles
from suggestions.demo.build import handle
from suggestions.demo.build import recheck
from suggestions.demo.build import register
from suggestions.demo.build import reply
from suggestions.demo.build import working_dates
from suggestions.demo.disclosure import publish_replies
from suggestions.models import FollowUp
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Suggestion
from suggestions.models import Topic
from supervision.demo import build_supervision

# 169 session items: outcomes as of 2023-06-30 are 132/5/13/19 (DESIGN §6).
SESSION_OUTCOMES_Q2 = {
    Outcome.RESOLVED: 132,
    Outcome.IN_PROGRESS: 5,
    Outcome.PLANNED: 13,
    Outcome.FOR_REFERENCE: 19,
}

# 7 recess items (received, assigned, replied): 6 replied in Q3 before their due date, all
# resolved; 1 still open on 2023-09-30.
RECESS_ITEMS = [
    (d(4, 12), d(4, 20), d(7, 10)),
    (d(5, 4), d(5, 10), d(7, 28)),
    (d(5, 18), d(5, 25), d(8, 15)),
    (d(6, 1), d(6, 8), d(8, 30)),
    (d(6, 9), d(6, 15), d(9, 8)),
    (d(6, 19), d(6, 26), d(9, 20)),
    (d(8, 14), d(8, 21), None),
]


def _session_plan(demo: Demo, titles) -> list[tuple[str, str, str, str]]:
    """(title, lead department, topic, outcome) of each session item, shuffled."""
    special = (
        [(t, dep, topic, outcome) for t, dep, topic, outcome in data.UPGRADED_TITLES]
        + [(t, dep, topic, Outcome.RESOLVED) for t, dep, topic in data.SPOT_CHECKED_TITLES]
        + [(*data.UNSATISFIED_TITLE, Outcome.FOR_REFERENCE)]
    )
    remaining = dict(SESSION_OUTCOMES_Q2)
    for *_, outcome in special:
        remaining[outcome] -= 1
    outcomes = [o for o, n in remaining.items() for _ in range(n)]
    demo.rng.shuffle(outcomes)
    plan = special + [(*next(titles), o) for o in outcomes]
    demo.rng.shuffle(plan)
    return plan


def _upgrade_titles(plan) -> set[str]:
    """Six items a Q3 re-check upgrades to 已经解决: the two the report names, and two more
    of each of 正在解决 and 计划解决."""
    named = {t for t, *_ in data.UPGRADED_TITLES}
    upgrade = set(named)
    for wanted in (Outcome.IN_PROGRESS, Outcome.PLANNED):
        others = sorted(t for t, _, _, o in plan if o == wanted and t not in named)
        upgrade.update(others[:2])
    return upgrade


def _session_item(demo: Demo, number: int, title: str, lead_name: str, topic: str):
    """Register and assign one session item (every fifth with a co department)."""
    rng, deps = demo.rng, demo.departments
    deputies = rng.sample(demo.district_deputies, 3)
    s = register(
        demo,
        title=title,
        department_topic=topic,
        source=Source.SESSION,
        received_on=d(1, 9),
        number=number,
        lead_deputy=deputies[0],
        co_signers=deputies[1 : rng.randint(1, 3)],
        session=demo.session,
    )
    co = []
    if number % 5 == 0:
        names = [n for n, _ in data.DEPARTMENTS if n in deps and n != lead_name]
        co = [deps[rng.choice(names)]]
    return handle(demo, s, lead=deps[lead_name], co=co, assigned_on=d(2, 8), ack_on=d(2, 10))


def _session_items(demo: Demo, plan) -> tuple[list, list, tuple]:
    """The session items replied in the first half; returns the items to re-check in Q3,
    the items to spot-check, and the (item, lead) later rated 不满意."""
    reply_days = working_dates(d(3, 6), d(5, 5))
    upgrade_titles = _upgrade_titles(plan)
    spot_titles = {t for t, *_ in data.SPOT_CHECKED_TITLES}
    upgraded, spot_checks, unsatisfied = [], [], None
    for number, (title, lead_name, topic, outcome) in enumerate(plan, start=1):
        s = _session_item(demo, number, title, lead_name, topic)
        lead = demo.departments[lead_name]
        if title == data.UNSATISFIED_TITLE[0]:
            reply(demo, s, lead=lead, outcome=outcome, on=d(4, 10))
            unsatisfied = (s, lead)
            continue
        replied_on = reply_days[(number * 7) % len(reply_days)]
        reply(demo, s, lead=lead, outcome=outcome, on=replied_on)
        if title in upgrade_titles:
            upgraded.append(s)
        if title in spot_titles or (outcome == Outcome.RESOLVED and number % 23 == 0):
            spot_checks.append(s)
        # Most deputies answer within two weeks; some never do (the item stays 已答复).
        if number % 9 != 0:
            rating = Satisfaction.SATISFIED if number % 4 else Satisfaction.BASICALLY_SATISFIED
            feedback(demo, s, satisfaction=rating, on=replied_on + dt.timedelta(days=14))
    assert len(upgraded) == 6, [u.title for u in upgraded]
    return upgraded, spot_checks, unsatisfied


def _follow_up(s: Suggestion, actor, kind: str, on: dt.date, **fields) -> None:
    s.refresh_from_db()
    services.follow_up_record(
        suggestion=s, actor=actor, kind=kind, happened_on=on, when=at(on), **fields
    )


def _unsatisfied_story(demo: Demo, s: Suggestion, lead) -> None:
    """The 不满意 item: supervision, visits, a second reply round, then understanding."""
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
    handler = demo.handler(lead)
    for actor, kind, day, participants, findings in (
        (
            demo.supervisor,
            FollowUp.Kind.SUPERVISION,
            d(6, 26),
            "区政府督查室、区人大代表工作室、区房管局",
            "会同区人大代表工作室约谈承办部门，要求主动与代表沟通，定期通报进展。",
        ),
        (
            handler,
            FollowUp.Kind.VISIT,
            d(7, 5),
            "区房管局分管领导、街道人大工委",
            "上门走访代表，介绍旧改政策和征询进展。",
        ),
        (
            handler,
            FollowUp.Kind.MEETING,
            d(7, 12),
            "区房管局、彭浦新村街道、代表",
            "与代表面商，明确下一步工作时间节点。",
        ),
    ):
        # The visit's record carries its evidence: the visit notes and a photograph.
        evidence = (
            [
                ContentFile(portal.pdf_bytes("Visit notes (demo)"), name="走访记录.pdf"),
                ContentFile(portal.png_bytes(), name="现场照片.png"),
            ]
            if kind == FollowUp.Kind.VISIT
            else []
        )
        _follow_up(
            s, actor, kind, day, participants=participants, findings=findings, evidence=evidence
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


def _third_quarter_checks(demo: Demo, upgraded: list, spot_checks: list) -> None:
    """Q3 re-checks (3 正在解决 and 3 计划解决 become 已经解决) and spot checks of resolved
    items by site visit and phone callback."""
    for index, s in enumerate(upgraded):
        recheck(demo, s, on=d(7, 20) + dt.timedelta(days=9 * index))
    for index, s in enumerate(spot_checks):
        how = "实地走访" if index % 2 == 0 else "电话回访"
        _follow_up(
            s,
            demo.supervisor,
            FollowUp.Kind.SPOT_CHECK,
            d(8, 14) + dt.timedelta(days=3 * index),
            consistent_with_reply=True,
            participants="区政府督查室",
            findings=f"{how}抽查：相关问题已得到较好落实，与“已经解决”的办理结果相吻合。",
        )


def _recess_items(demo: Demo, titles, first_number: int) -> None:
    for offset, (received_on, assigned_on, replied_on) in enumerate(RECESS_ITEMS):
        title, lead_name, topic = next(titles)
        lead = demo.departments[lead_name]
        s = register(
            demo,
            title=title,
            department_topic=topic,
            source=Source.RECESS,
            received_on=received_on,
            number=first_number + offset,
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


def build_suggestions(demo: Demo) -> None:
    """The 176 代表建议 of 2023: session items, the 不满意 story, Q3 checks, recess items."""
    reserved = {t for t, *_ in data.UPGRADED_TITLES} | {t for t, *_ in data.SPOT_CHECKED_TITLES}
    reserved.add(data.UNSATISFIED_TITLE[0])
    titles = generated_titles(reserved)
    plan = _session_plan(demo, titles)
    upgraded, spot_checks, (unsatisfied, lead) = _session_items(demo, plan)
    _unsatisfied_story(demo, unsatisfied, lead)
    _third_quarter_checks(demo, upgraded, spot_checks)
    _recess_items(demo, titles, first_number=len(plan) + 1)


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
    awaiting = new(70, base + 7)
    awaiting = handle(demo, awaiting, lead=lvhua, co=[], assigned_on=ago(65), ack_on=ago(64))
    reply(
        demo,
        awaiting,
        lead=lvhua,
        outcome=Outcome.IN_PROGRESS,
        on=ago(10),
        letter=portal.letter_pdf(awaiting),
        letter_name=f"关于{awaiting.code}号建议的答复函.pdf",
    )
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
    _grouped_items(demo, today, base + 9)
    # The deputy portal's login: leads `awaiting`, co-signed the item now in rework.
    deputy = portal.build_deputy_account(
        awaiting=Suggestion.objects.get(pk=awaiting.pk), cosigned=s
    )
    # Online drafting: daibiao's draft gathering names, an invitation, a submitted one.
    build_demo_drafts(today=today, lead=deputy, password=data.DEMO_PASSWORD)


def _grouped_items(demo: Demo, today: dt.date, number: int) -> None:
    """并案 and 分办 (DESIGN §11): two suggestions on one matter handled as one (the
    primary's deputy satisfied, the other's rating awaited), and one split between two
    departments (one part replied, the other under way)."""
    deps = demo.departments
    lvhua, fangguan, jianguan = deps["区绿化市容局"], deps["区房管局"], deps["区建设管理委"]

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    def new(offset: int, title: str):
        return register(
            demo,
            title=title,
            department_topic=Topic.URBAN_CONSTRUCTION,
            source=Source.RECESS,
            received_on=ago(50),
            number=number + offset,
            lead_deputy=demo.district_deputies[(number + offset) % 60],
        )

    primary = new(0, "关于解决彭浦新村周边停车难问题的建议")
    member = new(1, "关于缓解彭浦新村停车矛盾的建议")
    services.suggestions_merge(
        suggestion=primary, members=[member], actor=demo.office, when=at(ago(46))
    )
    primary = handle(demo, primary, lead=fangguan, co=[], assigned_on=ago(45), ack_on=ago(44))
    reply(demo, primary, lead=fangguan, outcome=Outcome.IN_PROGRESS, on=ago(12))
    feedback(demo, primary, satisfaction=Satisfaction.SATISFIED, on=ago(6))

    whole = new(2, "关于综合整治共和新路沿线环境的建议")
    parts = [
        services.SplitPart(matter="行道树补种和绿化养护", lead=lvhua),
        services.SplitPart(matter="人行道破损路面修缮", lead=jianguan),
    ]
    services.suggestion_split(
        suggestion=whole, parts=parts, actor=demo.office, assigned_on=ago(40), when=at(ago(40))
    )
    greening, road = whole.parts.order_by("part_no")
    greening = services.assignment_acknowledge(
        suggestion=greening, actor=demo.handler(lvhua), when=at(ago(39))
    )
    reply(demo, greening, lead=lvhua, outcome=Outcome.RESOLVED, on=ago(8))
    services.assignment_acknowledge(suggestion=road, actor=demo.handler(jianguan), when=at(ago(38)))


@transaction.atomic
def load_demo(*, today: dt.date) -> bool:
    """Build the demo once; returns False (and changes nothing) when it is already there."""
    demo = ensure_reference_data()
    if Suggestion.objects.filter(year=YEAR).exists():
        return False
    build_suggestions(demo)
    build_community_opinions(demo)
    publish_replies(demo)
    build_live_items(demo, today)
    build_supervision(demo)
    build_demo_notices(today=today, history_year=YEAR)
    # The similar-suggestion index of everything above, once (the services' own indexing
    # runs after the commit; this makes the demo complete without waiting for the queue).
    transaction.on_commit(similar_index.rebuild)
    return True
