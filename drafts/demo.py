"""The drafting demo (DESIGN §10): `daibiao` leads a draft gathering co-signatures (one
colleague agreed, one has not answered yet), has an invitation of its own to answer, and
co-signed a draft another deputy submitted, which waits in the office's queue. The two
colleagues log in as `daibiao2` and `daibiao3` (the demo password)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from departments.models import Deputy
from departments.models import Role
from departments.models import User
from drafts import services
from suggestions.models import Source
from suggestions.models import Topic

COLLEAGUES = ("daibiao2", "daibiao3")


def _account(deputy: Deputy, username: str, password: str) -> User:
    user = User.objects.create_user(
        username=username, password=password, first_name=deputy.name, phone=deputy.phone
    )
    user.groups.add(Group.objects.get(name=Role.DEPUTY))
    deputy.user = user
    deputy.save(update_fields=["user"])
    return user


def _at(today: dt.date, days_ago: int, hour: int) -> dt.datetime:
    day = today - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _invited(author: User, title: str, content: str, topic: str, deputies, *, written, invited):
    """A recess draft written by `author` and sent to `deputies` to co-sign."""
    draft = services.draft_create(
        actor=author, title=title, content=content, topic=topic, source=Source.RECESS, when=written
    )
    services.invitations_send(
        draft=draft,
        actor=author,
        expected_version=draft.version,
        deputies=deputies,
        when=invited,
    )
    draft.refresh_from_db()
    return draft


def build_demo_drafts(*, today: dt.date, lead: User, password: str) -> None:
    free = Deputy.objects.filter(is_active=True, user__isnull=True).order_by("id")[:2]
    wang, li = (_account(d, name, password) for d, name in zip(free, COLLEAGUES, strict=True))

    gathering = _invited(
        lead,
        "关于在老旧小区推广“加梯+适老化改造”一体化实施的建议",
        "目前老旧小区加装电梯与适老化改造分头推进，居民需两次征询、两次施工。\n"
        "建议由区住房保障和房屋管理局牵头，将加装电梯与楼道扶手、无障碍坡道等"
        "适老化改造一并设计、一并征询、一并施工。",
        Topic.HOUSING,
        [wang.deputy, li.deputy],
        written=_at(today, 6, 9),
        invited=_at(today, 5, 10),
    )
    services.invitation_answer(draft=gathering, actor=wang, accept=True, when=_at(today, 4, 15))
    _invited(
        wang,
        "关于延长社区食堂晚间供餐时间的建议",
        "部分社区食堂17:30即停止供餐，双职工家庭老人晚餐不便，建议延长至19:00。",
        Topic.ELDERLY,
        [lead.deputy],
        written=_at(today, 3, 9),
        invited=_at(today, 3, 10),
    )
    submitted = _invited(
        li,
        "关于在地铁站出入口增设非机动车停放点的建议",
        "地铁站出入口非机动车乱停放，影响通行。建议结合道路条件增设停放点并加强管理。",
        Topic.TRANSPORT,
        [lead.deputy],
        written=_at(today, 9, 9),
        invited=_at(today, 9, 10),
    )
    services.invitation_answer(draft=submitted, actor=lead, accept=True, when=_at(today, 8, 11))
    services.draft_submit(
        draft=submitted, actor=li, expected_version=submitted.version, when=_at(today, 7, 16)
    )
