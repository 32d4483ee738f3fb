"""Generate a realistic year of suggestions for the report benchmarks (bench/report.py).

    SECRET_KEY=bench SQLITE_PATH=/tmp/bench.sqlite3 \\
        .venv/bin/python bench/generate.py --n 100000 --year 2023
    DATABASE_URL=postgresql://… SECRET_KEY=bench .venv/bin/python bench/generate.py --n 1000000

Rows are written with bulk_create straight into the tables (Suggestion, lead and co
Assignment, Reply, OutcomeChange, FollowUp, Feedback): the services, the history tables and
the event timeline are bypassed for speed, so the data has the shape the report reads, not
every record a real item's life leaves. Random but seeded: the same arguments give the same
data. The script migrates the database first and refuses the development db.sqlite3, and a
database that already holds the year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db import transaction  # noqa: E402

from departments.models import CongressSession  # noqa: E402
from departments.models import Department  # noqa: E402
from departments.models import Deputy  # noqa: E402
from departments.models import User  # noqa: E402
from suggestions.models import Assignment  # noqa: E402
from suggestions.models import Feedback  # noqa: E402
from suggestions.models import FollowUp  # noqa: E402
from suggestions.models import Kind  # noqa: E402
from suggestions.models import Outcome  # noqa: E402
from suggestions.models import OutcomeChange  # noqa: E402
from suggestions.models import Reply  # noqa: E402
from suggestions.models import Satisfaction  # noqa: E402
from suggestions.models import Source  # noqa: E402
from suggestions.models import Status  # noqa: E402
from suggestions.models import Suggestion  # noqa: E402
from suggestions.models import Topic  # noqa: E402

BATCH = 10_000  # items built per round
INSERT_BATCH = 2_000  # rows per INSERT (PostgreSQL allows 65,535 parameters)

BUREAUS = [
    "区房管局",
    "区绿化市容局",
    "区建设管理委",
    "区卫生健康委",
    "区民政局",
    "区教育局",
    "区文化旅游局",
    "区体育局",
    "区生态环境局",
    "区市场监管局",
    "区商务委",
    "区发展改革委",
    "区人力资源社会保障局",
    "区规划资源局",
    "区城管执法局",
    "区应急管理局",
    "区交警支队",
    "区财政局",
    "区科委",
    "区司法局",
    "区退役军人局",
    "区医保局",
    "区数据局",
    "区投资促进办",
]
STREETS = [
    "江宁路街道", "石门二路街道", "南京西路街道", "静安寺街道", "曹家渡街道", "天目西路街道",
    "北站街道", "宝山路街道", "共和新路街道", "大宁路街道", "彭浦新村街道", "临汾路街道",
    "芷江西路街道", "彭浦镇",
]  # fmt: skip
SUBJECTS = [
    "居家养老服务", "老旧小区加装电梯", "社区停车难", "架空线入地和杆箱整治", "沿街绿化景观提升",
    "标准化菜市场", "学校门口临时停车", "公共图书馆延时开放", "社区卫生服务中心建设", "垃圾分类",
    "苏州河沿岸环境保护", "无障碍设施建设", "旧住房成套改造", "儿童预防接种服务", "夜间施工扰民",
    "健身步道建设", "公交线路优化", "社区食堂建设", "消防通道整治", "雨污混接改造",
]  # fmt: skip
VERBS = ["加快推进", "进一步完善", "切实加强", "优化", "着力解决"]


def _weighted_departments(rng: random.Random, departments: list[Department]) -> list[int]:
    """A skewed pool: a few departments lead most items, as in real years."""
    pool: list[int] = []
    for rank, d in enumerate(departments):
        pool += [d.pk] * max(1, 40 // (rank + 1))
    rng.shuffle(pool)
    return pool


def _reference_data(year: int) -> tuple[User, list[Department], list[Deputy], CongressSession]:
    departments = []
    for order, name in enumerate(BUREAUS + [s + "办事处" for s in STREETS]):
        kind = Department.Kind.BUREAU if name in BUREAUS else Department.Kind.STREET
        department, _ = Department.objects.get_or_create(
            name=name, defaults={"kind": kind, "sort_order": order}
        )
        departments.append(department)
    user, _ = User.objects.get_or_create(username="bench", defaults={"last_name": "基准"})
    existing = set(Deputy.objects.values_list("name", "level"))
    new = []
    for i in range(600):
        level = Deputy.Level.CITY if i % 6 == 0 else Deputy.Level.DISTRICT
        name = f"代表{i:03d}"
        if (name, level) not in existing:
            new.append(Deputy(name=name, level=level, delegation=STREETS[i % len(STREETS)]))
    Deputy.objects.bulk_create(new)
    deputies = list(Deputy.objects.filter(name__startswith="代表"))
    session, _ = CongressSession.objects.get_or_create(
        name=f"基准测试{year}年人代会",
        defaults={
            "year": year,
            "starts_on": dt.date(year, 1, 8),
            "ends_on": dt.date(year, 1, 11),
        },
    )
    return user, departments, deputies, session


def _days(rng: random.Random, start: dt.date, low: int, high: int) -> dt.date:
    return start + dt.timedelta(days=rng.randint(low, high))


def generate(n: int, year: int, community_share: float, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    user, departments, deputies, session = _reference_data(year)
    pool = _weighted_departments(rng, departments)
    deputy_ids = [d.pk for d in deputies]
    topics = list(Topic.values)
    outcomes = [Outcome.RESOLVED] * 70 + [Outcome.IN_PROGRESS] * 8
    outcomes += [Outcome.PLANNED] * 10 + [Outcome.FOR_REFERENCE] * 12
    ratings = [Satisfaction.SATISFIED] * 75 + [Satisfaction.BASICALLY_SATISFIED] * 22
    ratings += [Satisfaction.UNSATISFIED] * 3
    counts = dict.fromkeys(
        ["suggestions", "assignments", "replies", "outcome_changes", "follow_ups", "feedbacks"], 0
    )
    numbers = {Kind.SUGGESTION: 0, Kind.COMMUNITY_OPINION: 0}
    session_start = dt.date(year, 1, 20)
    recess_start = dt.date(year, 3, 1)

    for start in range(0, n, BATCH):
        plans = []
        items = []
        for _ in range(start, min(n, start + BATCH)):
            kind = Kind.COMMUNITY_OPINION if rng.random() < community_share else Kind.SUGGESTION
            numbers[kind] += 1
            recess = kind == Kind.SUGGESTION and rng.random() < 0.05
            received = _days(rng, recess_start, 0, 300) if recess else session_start
            assigned = received + dt.timedelta(days=rng.randint(3, 25))
            due = assigned + dt.timedelta(days=91 + (30 if rng.random() < 0.03 else 0))
            replied_on = None
            if rng.random() < 0.92:
                late = rng.random() < 0.05
                replied_on = _days(rng, due, 1, 30) if late else _days(rng, assigned, 7, 88)
            outcome = rng.choice(outcomes) if replied_on else ""
            rating = rng.choice(ratings) if replied_on and rng.random() < 0.85 else ""
            place, subject = rng.choice(STREETS), rng.choice(SUBJECTS)
            items.append(
                Suggestion(
                    year=year,
                    kind=kind,
                    source=Source.RECESS if recess else Source.SESSION,
                    number=numbers[kind],
                    session=None if recess else session,
                    title=f"关于{rng.choice(VERBS)}{place}地区{subject}的建议",
                    content="建议内容。",
                    topic=rng.choice(topics),
                    lead_deputy_id=rng.choice(deputy_ids),
                    received_on=received,
                    status=(Status.REPLIED if replied_on else Status.IN_PROGRESS),
                    assigned_on=assigned,
                    reply_due_on=due,
                    # Both leads of a re-assigned item carry the same due date here, so the
                    # due date took effect on the first assignment, and was in force on
                    # the reply's date.
                    reply_due_from=assigned,
                    due_on=None if replied_on else due,
                    first_replied_on=replied_on,
                    first_reply_due_on=due if replied_on else None,
                    outcome=outcome,
                    satisfaction=rating,
                    created_by=user,
                )
            )
            plans.append((assigned, due, replied_on, outcome, rating))

        with transaction.atomic():
            items = Suggestion.objects.bulk_create(items, batch_size=INSERT_BATCH)
            assignments, replies, follow_ups = [], [], []
            for s, (assigned, due, replied_on, _, _) in zip(items, plans, strict=True):
                lead = rng.choice(pool)
                lead_since = assigned
                if rng.random() < 0.01:  # returned and re-assigned a few days later
                    lead_since = assigned + dt.timedelta(days=4)
                    assignments.append(
                        Assignment(
                            suggestion=s,
                            department_id=rng.choice(pool),
                            role=Assignment.Role.LEAD,
                            assigned_on=assigned,
                            reply_due_on=due,
                            is_active=False,
                            ended_on=lead_since,
                        )
                    )
                # As the services do: the new lead's assignment starts the day the old ends.
                assignments.append(
                    Assignment(
                        suggestion=s,
                        department_id=lead,
                        role=Assignment.Role.LEAD,
                        assigned_on=lead_since,
                        reply_due_on=due,
                    )
                )
                if rng.random() < 0.2:
                    co = rng.choice(pool)
                    if co != lead:
                        assignments.append(
                            Assignment(
                                suggestion=s,
                                department_id=co,
                                role=Assignment.Role.CO,
                                assigned_on=assigned,
                                opinion_due_on=assigned + dt.timedelta(days=30),
                            )
                        )
                if replied_on:
                    replies.append(
                        Reply(
                            suggestion=s,
                            round=1,
                            department_id=lead,
                            outcome=s.outcome,
                            text="答复。",
                            replied_on=replied_on,
                            created_by=user,
                        )
                    )
            Assignment.objects.bulk_create(assignments, batch_size=INSERT_BATCH)
            replies = Reply.objects.bulk_create(replies, batch_size=INSERT_BATCH)

            changes, feedbacks = [], []
            rechecks = []
            for r in replies:
                changes.append(
                    OutcomeChange(
                        suggestion_id=r.suggestion_id,
                        source=OutcomeChange.Source.REPLY,
                        to_outcome=r.outcome,
                        effective_on=r.replied_on,
                        reply=r,
                        created_by=user,
                    )
                )
                s = r.suggestion
                if s.satisfaction:
                    feedbacks.append(
                        Feedback(
                            suggestion_id=s.pk,
                            reply=r,
                            satisfaction=s.satisfaction,
                            received_on=r.replied_on + dt.timedelta(days=rng.randint(5, 30)),
                            created_by=user,
                        )
                    )
                later = r.replied_on + dt.timedelta(days=rng.randint(30, 150))
                if r.outcome in (Outcome.IN_PROGRESS, Outcome.PLANNED) and rng.random() < 0.3:
                    rechecks.append((r, later))
                    follow_ups.append(
                        FollowUp(
                            suggestion_id=s.pk,
                            kind=FollowUp.Kind.RECHECK,
                            happened_on=later,
                            department_id=r.department_id,
                            findings="经跟踪复查，问题已经解决。",
                            consistent_with_reply=True,
                            created_by=user,
                        )
                    )
                elif r.outcome == Outcome.RESOLVED and rng.random() < 0.01:
                    follow_ups.append(
                        FollowUp(
                            suggestion_id=s.pk,
                            kind=FollowUp.Kind.SPOT_CHECK,
                            happened_on=later,
                            department_id=r.department_id,
                            findings="电话回访抽查：落实情况与答复相符。",
                            consistent_with_reply=True,
                            created_by=user,
                        )
                    )
            follow_ups = FollowUp.objects.bulk_create(follow_ups, batch_size=INSERT_BATCH)
            by_item = {f.suggestion_id: f for f in follow_ups if f.kind == FollowUp.Kind.RECHECK}
            for r, later in rechecks:
                changes.append(
                    OutcomeChange(
                        suggestion_id=r.suggestion_id,
                        source=OutcomeChange.Source.RECHECK,
                        from_outcome=r.outcome,
                        to_outcome=Outcome.RESOLVED,
                        effective_on=later,
                        follow_up=by_item[r.suggestion_id],
                        created_by=user,
                    )
                )
            # Each reply's ledger row ends where a later re-check takes over, and the items
            # carry their current outcome and rating with the dates they took effect, as
            # the services leave them.
            latest = {}
            for change in changes:
                latest[change.suggestion_id] = change  # rechecks come after their replies
            rated_on = {f.suggestion_id: f.received_on for f in feedbacks}
            for item in items:
                change = latest.get(item.pk)
                item.outcome = change.to_outcome if change else ""
                item.outcome_on = change.effective_on if change else None
                item.satisfaction_on = rated_on.get(item.pk)
            Suggestion.objects.bulk_update(
                items, ["outcome", "outcome_on", "satisfaction_on"], batch_size=INSERT_BATCH
            )
            OutcomeChange.objects.bulk_create(changes, batch_size=INSERT_BATCH)
            Feedback.objects.bulk_create(feedbacks, batch_size=INSERT_BATCH)

        counts["suggestions"] += len(items)
        counts["assignments"] += len(assignments)
        counts["replies"] += len(replies)
        counts["outcome_changes"] += len(changes)
        counts["follow_ups"] += len(follow_ups)
        counts["feedbacks"] += len(feedbacks)
        print(f"  {counts['suggestions']:>9,} / {n:,}", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="items to create")
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument(
        "--community-share",
        type=float,
        default=0.15,
        help="share of 代表集中联系社区意见建议 (0 for suggestions only)",
    )
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and Path(db["NAME"]).resolve() == ROOT / "db.sqlite3":
        sys.exit("Refusing to fill the development db.sqlite3: set SQLITE_PATH or DATABASE_URL.")
    call_command("migrate", verbosity=0)
    if Suggestion.objects.filter(year=args.year).exists():
        sys.exit(f"The database already holds items of {args.year}: use a fresh one.")

    started = time.perf_counter()
    counts = generate(args.n, args.year, args.community_share, args.seed)
    seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = sum(counts.values())
    print(
        f"{connection.vendor}: {args.n:,} items of {args.year} in {seconds:.1f} s "
        f"({rows:,} rows, {rows / seconds:,.0f} rows/s): "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )


if __name__ == "__main__":
    main()
