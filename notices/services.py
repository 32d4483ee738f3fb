"""Every notice of DESIGN §9 is created here: one function per notice that a suggestion
service calls inside its transaction, and `notify`, the bulk core the daily job shares.

A notice goes to people: a department's notice to its active users with the handler role
(and, by e-mail and SMS, to its contact people), the office's to the office users, the
supervisors' to the supervisors. Creating a notice never fails the action that caused it:
each function runs in a savepoint and logs what went wrong. Deliveries (e-mail, SMS) are
rows the worker sends after the commit (`transaction.on_commit`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from django.db import transaction
from django.db.models import Q

from config.gongwen import cn_date
from departments.models import Role
from departments.models import User
from notices.models import Delivery
from notices.models import DepartmentContact
from notices.models import Kind
from notices.models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One notice about one item (or one deputy's draft, before it is an item), to an
    audience (departments, the office, supervisors, deputies' own accounts)."""

    suggestion_id: int | None
    kind: str
    text: str
    due_on: dt.date | None = None
    occasion: str = ""
    departments: tuple[int, ...] = ()
    office: bool = False
    supervisors: bool = False
    deputy_users: tuple[int, ...] = ()  # deputies' own accounts (DESIGN §10)
    draft_id: int | None = None  # a notice about a draft has no suggestion_id


@dataclass
class _Audience:
    by_department: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    office: list[User] = field(default_factory=list)
    supervisors: list[User] = field(default_factory=list)
    deputies: dict[int, User] = field(default_factory=dict)
    contacts: dict[int, list[DepartmentContact]] = field(default_factory=lambda: defaultdict(list))

    def users(self, notice: Notice) -> list[User]:
        people = [u for d in notice.departments for u in self.by_department.get(d, [])]
        if notice.office:
            people += self.office
        if notice.supervisors:
            people += self.supervisors
        people += [self.deputies[u] for u in notice.deputy_users if u in self.deputies]
        return list({u.pk: u for u in people}.values())


def _audience(notices: list[Notice]) -> _Audience:
    """Everyone the notices reach: one query for the users, one for the contacts."""
    departments = {d for n in notices for d in n.departments}
    roles = {Role.OFFICE for n in notices if n.office} | {
        Role.SUPERVISOR for n in notices if n.supervisors
    }
    deputy_users = {u for n in notices for u in n.deputy_users}
    audience = _Audience()
    where = Q(groups__name=Role.HANDLER, department_id__in=departments) if departments else Q()
    if roles:
        where |= Q(groups__name__in=roles)
    if deputy_users:
        where |= Q(groups__name=Role.DEPUTY, pk__in=deputy_users)
    if not departments and not roles and not deputy_users:
        return audience
    users = (
        User.objects.filter(where, is_active=True)
        .select_related("notice_preference")
        .prefetch_related("groups")
        .distinct()
    )
    for user in users:
        names = {g.name for g in user.groups.all()}
        if Role.HANDLER in names and user.department_id in departments:
            audience.by_department[user.department_id].append(user)
        if Role.OFFICE in names:
            audience.office.append(user)
        if Role.SUPERVISOR in names:
            audience.supervisors.append(user)
        if Role.DEPUTY in names and user.pk in deputy_users:
            audience.deputies[user.pk] = user
    if departments:
        for contact in DepartmentContact.objects.filter(
            department_id__in=departments, is_active=True
        ):
            audience.contacts[contact.department_id].append(contact)
    return audience


def _user_deliveries(notification: Notification, user: User) -> list[Delivery]:
    pref = getattr(user, "notice_preference", None)
    out = []
    if pref and pref.by_email and user.email:
        out.append(Delivery(notification=notification, channel="email", address=user.email))
    if pref and pref.by_sms and user.phone:
        out.append(Delivery(notification=notification, channel="sms", address=user.phone))
    return out


def _contact_deliveries(notification: Notification, contacts) -> list[Delivery]:
    out = []
    for c in contacts:
        if c.email:
            out.append(Delivery(notification=notification, channel="email", address=c.email))
        if c.mobile:
            out.append(Delivery(notification=notification, channel="sms", address=c.mobile))
    return out


def notify(notices: Iterable[Notice]) -> list[Notification]:
    """Create the notices not created before, with their deliveries; returns the new ones.

    A fixed number of queries however many notices: the audience (2), the insert, the new
    rows read back by their batch, the deliveries' insert. Inserting ignores the rows the
    unique key already holds, so a second run, or a run in another process at the same
    time, adds nothing: only the rows this call inserted carry its batch.
    """
    notices = list(notices)
    if not notices:
        return []
    audience = _audience(notices)
    batch = uuid.uuid4()
    rows, users, owner = [], {}, {}
    for notice in notices:
        for user in audience.users(notice):
            key = (notice.suggestion_id, user.pk, notice.kind, notice.due_on, notice.occasion)
            key += (notice.draft_id,)
            users[key] = user
            owner[key] = notice
    for (sid, uid, kind, due_on, occasion, draft_id), notice in owner.items():
        rows.append(
            Notification(
                recipient_id=uid,
                suggestion_id=sid,
                draft_id=draft_id,
                kind=kind,
                text=notice.text,
                due_on=due_on,
                occasion=occasion,
                batch=batch,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(Notification.objects.filter(batch=batch).order_by("id"))
    deliveries, contacted = [], set()
    for n in created:
        key = (n.suggestion_id, n.recipient_id, n.kind, n.due_on, n.occasion, n.draft_id)
        deliveries += _user_deliveries(n, users[key])
        # The department's contact people get one copy, hung on the first notice made
        # for one of its users.
        for dept in owner[key].departments:
            if users[key].department_id == dept and (key[0], *key[2:], dept) not in contacted:
                contacted.add((key[0], *key[2:], dept))
                deliveries += _contact_deliveries(n, audience.contacts.get(dept, []))
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        transaction.on_commit(_enqueue_drain)
    return created


def _enqueue_drain() -> None:
    """Wake the worker; a queue that cannot be reached leaves the deliveries to the next
    drain (the daily job starts one)."""
    try:
        from notices.tasks import deliver_pending

        deliver_pending.enqueue()
    except Exception:
        logger.exception("Could not enqueue the delivery of notices")


def _safely(function):
    """A notice must never fail the action: a savepoint, and a logged error."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return function(*args, **kwargs)
        except Exception:
            logger.exception("Notice %s failed; the action goes on", function.__name__)
            return []

    return wrapper


# ---------------------------------------------------------------------------------------
# One function per notice, called by the suggestion services


def _item(s) -> str:
    return f"{s.code}《{s.title}》"


@_safely
def notify_assigned(*, suggestion, lead_id: int, co: Iterable, reassigned: bool = False):
    """新交办 / 重新交办 to the lead and co departments; 会办意见待提交 to the co ones."""
    s, co = suggestion, list(co)
    occasion = f"v{s.version}"
    kind = Kind.REASSIGNED if reassigned else Kind.ASSIGNED
    what = "重新交办" if reassigned else "交办"
    notices = [
        Notice(
            s.pk,
            kind,
            f"{_item(s)}已{what}贵单位主办，请于{cn_date(s.reply_due_on)}前答复代表。",
            s.reply_due_on,
            occasion,
            departments=(lead_id,),
        )
    ]
    for a in co:
        notices.append(
            Notice(
                s.pk,
                kind,
                f"{_item(s)}已{what}贵单位会办。",
                s.reply_due_on,
                occasion,
                departments=(a.department_id,),
            )
        )
        notices.append(
            Notice(
                s.pk,
                Kind.CO_OPINION_DUE,
                f"{_item(s)}请于{cn_date(a.opinion_due_on)}前向主办单位提交会办意见。",
                a.opinion_due_on,
                occasion,
                departments=(a.department_id,),
            )
        )
    return notify(notices)


@_safely
def notify_request_decided(*, suggestion, request, approved: bool, extension: bool):
    """退办 / 延期 decided, to the department that asked."""
    s = suggestion
    what = "延期" if extension else "退办"
    result = "同意" if approved else "不同意"
    text = f"区政府办公室{result}贵单位对{_item(s)}的{what}申请。"
    if extension and approved:
        text += f"答复期限延至{cn_date(request.requested_due_on)}。"
    if request.decision_note:
        text += f"说明：{request.decision_note}"
    kind = Kind.EXTENSION_DECIDED if extension else Kind.RETURN_DECIDED
    return notify(
        [
            Notice(
                s.pk,
                kind,
                text[:500],
                s.due_on,
                f"v{s.version}",
                departments=(request.assignment.department_id,),
            )
        ]
    )


@_safely
def notify_replied(*, suggestion, reply):
    """已答复，待评价 to the office and to the deputies' own accounts (lead and co-signers,
    DESIGN §10), who read and rate the reply in the portal."""
    s = suggestion
    outcome = reply.get_outcome_display()
    done = f"{reply.department}已对{_item(s)}作第{reply.round}轮答复（{outcome}），"
    deputies = tuple(
        User.objects.filter(
            Q(deputy__pk=s.lead_deputy_id) | Q(deputy__cosigned_suggestions=s)
        ).values_list("pk", flat=True)
    )
    occasion = f"v{s.version}"
    return notify(
        [
            Notice(s.pk, Kind.REPLIED, done + "请征询代表评价。", None, occasion, office=True),
            Notice(
                s.pk,
                Kind.REPLIED,
                done + "请登录代表服务查看答复并评价。",
                None,
                occasion,
                deputy_users=deputies,
            ),
        ]
    )


@_safely
def notify_rework(*, suggestion, lead_id: int | None, comment: str):
    """不满意，重新办理 to the lead department and the supervisors."""
    s = suggestion
    text = f"代表对{_item(s)}的答复不满意，请于{cn_date(s.due_on)}前重新办理。"
    if comment:
        text += f"代表意见：{comment}"
    departments = (lead_id,) if lead_id else ()
    return notify(
        [
            Notice(
                s.pk,
                Kind.REWORK,
                text[:500],
                s.due_on,
                f"v{s.version}",
                departments=departments,
                supervisors=True,
            )
        ]
    )


@_safely
def notify_supervision(*, suggestion, department_ids: Iterable[int], key: bool, note: str = ""):
    """督办 (a supervision record) / 重点督办 (listed as key supervision) to the department."""
    s = suggestion
    kind = Kind.KEY_SUPERVISION if key else Kind.SUPERVISION
    text = f"{_item(s)}已列为重点督办件，请加快办理。" if key else f"督查室对{_item(s)}进行督办。"
    if note:
        text += note
    departments = tuple(d for d in department_ids if d)
    return notify(
        [Notice(s.pk, kind, text[:500], s.due_on, f"v{s.version}", departments=departments)]
    )


# ---------------------------------------------------------------------------------------
# Deputies' online drafts (DESIGN §10): before acceptance a draft is not an item, so these
# notices point at the draft


def _draft(d) -> str:
    return f"《{d.title}》"


def _account_ids(deputies) -> tuple[int, ...]:
    return tuple(d.user_id for d in deputies if d.user_id)


@_safely
def notify_draft_invited(*, draft, deputies, again: bool = False):
    """联名邀请 to each invited deputy's account (again: the text changed after it agreed)."""
    lead = draft.lead_deputy.name
    if again:
        text = f"{lead}代表修改了建议{_draft(draft)}，请重新确认是否联名。"
    else:
        text = f"{lead}代表邀请您联名提出建议{_draft(draft)}，请在联名截止前答复。"
    notice = Notice(
        None,
        Kind.DRAFT_INVITED,
        text,
        occasion=f"v{draft.version}",
        deputy_users=_account_ids(deputies),
        draft_id=draft.pk,
    )
    return notify([notice])


@_safely
def notify_draft_answered(*, draft, invitation):
    """联名答复 to the lead deputy."""
    answer = "同意" if invitation.status == "accepted" else "谢绝"
    text = f"{invitation.deputy.name}代表{answer}联名您的建议{_draft(draft)}。"
    notice = Notice(
        None,
        Kind.DRAFT_ANSWERED,
        text,
        occasion=f"i{invitation.pk}-{invitation.status}-v{draft.version}",
        deputy_users=_account_ids([draft.lead_deputy]),
        draft_id=draft.pk,
    )
    return notify([notice])


@_safely
def notify_draft_submitted(*, draft):
    """代表建议待受理 to the office."""
    text = f"{draft.lead_deputy.name}代表在网上提交了建议{_draft(draft)}，请受理。"
    notice = Notice(
        None,
        Kind.DRAFT_SUBMITTED,
        text,
        occasion=f"v{draft.version}",
        office=True,
        draft_id=draft.pk,
    )
    return notify([notice])


@_safely
def notify_draft_decided(*, draft):
    """网上建议受理结果 to the lead deputy and the co-signers who agreed."""
    if draft.suggestion_id:
        verb = "已受理" if draft.status == "accepted" else "已转为代表集中联系社区意见建议"
        text = f"您网上提交的建议{_draft(draft)}{verb}，编号{draft.suggestion.code}。"
    else:
        text = f"您网上提交的建议{_draft(draft)}不予受理，理由：{draft.decline_reason}"[:500]
    signed = [
        i.deputy for i in draft.invitations.filter(status="accepted").select_related("deputy")
    ]
    notice = Notice(
        None,
        Kind.DRAFT_DECIDED,
        text,
        occasion=f"v{draft.version}",
        deputy_users=_account_ids([draft.lead_deputy, *signed]),
        draft_id=draft.pk,
    )
    return notify([notice])


# Reply review and countersign (DESIGN §11)


@_safely
def notify_reply_review(*, suggestion, draft):
    """答复待审核 to the office."""
    s = suggestion
    text = f"{draft.department}已提交{_item(s)}的答复稿（{draft.get_outcome_display()}），请审核。"
    return notify([Notice(s.pk, Kind.REPLY_REVIEW, text, None, f"v{s.version}", office=True)])


@_safely
def notify_reply_returned(*, suggestion, draft):
    """答复退回修改 to the lead department, with the office's reason."""
    s = suggestion
    text = f"{_item(s)}的答复稿已被区政府办公室退回修改。理由：{draft.review_note}"
    return notify(
        [
            Notice(
                s.pk,
                Kind.REPLY_RETURNED,
                text[:500],
                s.due_on,
                f"v{s.version}",
                departments=(draft.department_id,),
            )
        ]
    )


@_safely
def notify_countersign_due(*, suggestion, department_ids: Iterable[int]):
    """待会签 to the co departments."""
    s = suggestion
    text = f"主办单位已提交{_item(s)}的答复稿，请会签（同意，或提出不同意见）。"
    return notify(
        [
            Notice(s.pk, Kind.COUNTERSIGN_DUE, text, None, f"v{s.version}", departments=(d,))
            for d in department_ids
        ]
    )


@_safely
def notify_countersigned(*, suggestion, sign, lead_id: int):
    """会签意见 to the lead department."""
    s = suggestion
    verdict = "同意" if sign.agree else "不同意"
    text = f"{sign.department}对{_item(s)}的答复稿会签意见：{verdict}"
    if sign.opinion:
        text += f"。{sign.opinion}"
    return notify(
        [
            Notice(
                s.pk, Kind.COUNTERSIGNED, text[:500], None, f"v{s.version}", departments=(lead_id,)
            )
        ]
    )


@_safely
def notify_recheck_task(*, tasks: Iterable[tuple[object, int]], campaign: str, due_on: dt.date):
    """复查任务: each (item, department) of a re-check campaign, to that department."""
    return notify(
        [
            Notice(
                s.pk,
                Kind.RECHECK_TASK,
                f"{campaign}：请于{cn_date(due_on)}前配合跟踪复查{_item(s)}的落实情况。"[:500],
                due_on,
                f"v{s.version}",
                departments=(department_id,),
            )
            for s, department_id in tasks
        ]
    )


def notify_download(*, download):
    """In-app only: the user's file made in the queue is ready (or could not be made), or
    the user's queued import is done (or refused)."""
    done = download.status == download.Status.DONE
    if download.is_import:
        text = (
            f"“{download.filename}”已导入：{download.result}。"
            if done
            else f"“{download.filename}”未能导入，点击查看原因。"
        )
    elif done:
        text = f"{download.get_kind_display()}已生成（{download.rows_done}行），点击下载。"
    else:
        text = f"{download.get_kind_display()}生成失败，请重新导出。"
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=download.user_id,
                download=download,
                kind=Kind.DOWNLOAD,
                text=text[:500],
                batch=uuid.uuid4(),
            )
        ],
        ignore_conflicts=True,
    )
