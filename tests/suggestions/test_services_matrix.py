"""Who may call which service from which state: the whole matrix, and the refusals' words.

The expected table (ALLOWED) is written out by hand from reading services.py; it is data,
not computed from the code under test. Every (service, state, role) triple that is not in
ALLOWED must be refused with a ValidationError that changes nothing.

The starting states are built through the services (see `build`), on the journey's dates:
assigned 2024-02-01 (lead + one co department), lead acknowledged 2024-02-02, co opinion
2024-02-20, reply (outcome 计划解决) 2024-03-01, feedback 2024-03-10.

    draft        registered, not assigned
    assigned     assigned, nobody has signed for it
    in_progress  the lead has signed for it and the co department has sent its opinion
                 (so it is ready for the reply; the opinion also signs the co assignment)
    replied      first reply given
    rework       the deputy was 不满意
    closed       the deputy was 满意
    voided       作废 by the office on 2024-03-15, while in progress (its pending requests
                 lapsed with it)

The calls in the matrix happen on 2024-03-20 (LATER), except return requests, which must be
within the return window (5 working days after 2024-02-01 = 2024-02-07), so on 2024-02-05.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.models import (
    Assignment,
    Event,
    ExtensionRequest,
    Feedback,
    FollowUp,
    Outcome,
    OutcomeChange,
    Reply,
    RequestStatus,
    ReturnRequest,
    Satisfaction,
    Source,
    Status,
    Suggestion,
)
from tests.conftest import ASSIGNED_ON, at
from tests.factories import DeputyFactory, SuggestionFactory

ACK_ON = dt.date(2024, 2, 2)
IN_WINDOW = dt.date(2024, 2, 5)  # inside the return window (ends 2024-02-07)
CO_OPINION_ON = dt.date(2024, 2, 20)
REPLIED_ON = dt.date(2024, 3, 1)
FEEDBACK_ON = dt.date(2024, 3, 10)
LATER = dt.date(2024, 3, 20)
EXTEND_TO = dt.date(2024, 6, 1)  # current due 2024-05-01; the limit is 2024-08-01

DRAFT = Status.DRAFT
ASSIGNED = Status.ASSIGNED
IN_PROGRESS = Status.IN_PROGRESS
REPLIED = Status.REPLIED
REWORK = Status.REWORK
CLOSED = Status.CLOSED
VOIDED = Status.VOIDED
STATES = [DRAFT, ASSIGNED, IN_PROGRESS, REPLIED, REWORK, CLOSED, VOIDED]
VOIDED_ON = dt.date(2024, 3, 15)

OFFICE = "office"
SUPERVISOR = "supervisor"
LEAD = "lead"
CO = "co"
OTHER = "other"
ROLES = [OFFICE, SUPERVISOR, LEAD, CO, OTHER]

# Every service of services.__all__ but VersionConflict; the two decisions and the feedback
# are each tried both ways (":approve"/":reject", ":satisfied"/":unsatisfied").
SERVICES = [
    "assignment_acknowledge",
    "co_opinion_submit",
    "extension_decide:approve",
    "extension_decide:reject",
    "extension_request",
    "feedback_record:satisfied",
    "feedback_record:unsatisfied",
    "follow_up_record",
    "reply_submit",
    "return_decide:approve",
    "return_decide:reject",
    "return_request",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_create",
    "suggestion_reassign",
    "suggestion_set_key_supervision",
    "suggestion_update",
    "suggestion_void",
    "suggestions_bulk_create",
]

# The decisions need a pending request, made by the lead handler on an assigned or
# in-progress item; a draft has no assignment, so it can hold no request: those triples do
# not exist and are left out of the matrix.
NEEDS_RETURN_REQUEST = {"return_decide:approve", "return_decide:reject"}
NEEDS_EXTENSION_REQUEST = {"extension_decide:approve", "extension_decide:reject"}

# (service, starting state, role) -> the item's status after the call.
# For suggestion_create and suggestions_bulk_create the status is the new item's; the
# existing item is untouched.
ALLOWED: dict[tuple[str, str, str], str] = {
    # 签收: the lead from 已交办 only (starts the handling); a co department while it has
    # not signed yet (in `in_progress` its opinion has already signed for it).
    ("assignment_acknowledge", ASSIGNED, LEAD): IN_PROGRESS,
    ("assignment_acknowledge", ASSIGNED, CO): ASSIGNED,
    # 会办意见: co department, 已交办 / 办理中 (a second opinion replaces the first).
    ("co_opinion_submit", ASSIGNED, CO): ASSIGNED,
    ("co_opinion_submit", IN_PROGRESS, CO): IN_PROGRESS,
    # 延期申请: the lead, 已交办 / 办理中.
    ("extension_request", ASSIGNED, LEAD): ASSIGNED,
    ("extension_request", IN_PROGRESS, LEAD): IN_PROGRESS,
    # 延期审批: the office; approving needs 已交办 / 办理中, rejecting does not look at the state.
    ("extension_decide:approve", ASSIGNED, OFFICE): ASSIGNED,
    ("extension_decide:approve", IN_PROGRESS, OFFICE): IN_PROGRESS,
    ("extension_decide:reject", ASSIGNED, OFFICE): ASSIGNED,
    ("extension_decide:reject", IN_PROGRESS, OFFICE): IN_PROGRESS,
    ("extension_decide:reject", REPLIED, OFFICE): REPLIED,
    ("extension_decide:reject", REWORK, OFFICE): REWORK,
    ("extension_decide:reject", CLOSED, OFFICE): CLOSED,
    # 代表反馈: the office, 已答复 only.
    ("feedback_record:satisfied", REPLIED, OFFICE): CLOSED,
    ("feedback_record:unsatisfied", REPLIED, OFFICE): REWORK,
    # 跟踪记录: office and supervisor on any assigned item; a handler whose department holds
    # an active assignment (lead or co), in any state but draft.
    ("follow_up_record", ASSIGNED, OFFICE): ASSIGNED,
    ("follow_up_record", IN_PROGRESS, OFFICE): IN_PROGRESS,
    ("follow_up_record", REPLIED, OFFICE): REPLIED,
    ("follow_up_record", REWORK, OFFICE): REWORK,
    ("follow_up_record", CLOSED, OFFICE): CLOSED,
    ("follow_up_record", ASSIGNED, SUPERVISOR): ASSIGNED,
    ("follow_up_record", IN_PROGRESS, SUPERVISOR): IN_PROGRESS,
    ("follow_up_record", REPLIED, SUPERVISOR): REPLIED,
    ("follow_up_record", REWORK, SUPERVISOR): REWORK,
    ("follow_up_record", CLOSED, SUPERVISOR): CLOSED,
    ("follow_up_record", ASSIGNED, LEAD): ASSIGNED,
    ("follow_up_record", IN_PROGRESS, LEAD): IN_PROGRESS,
    ("follow_up_record", REPLIED, LEAD): REPLIED,
    ("follow_up_record", REWORK, LEAD): REWORK,
    ("follow_up_record", CLOSED, LEAD): CLOSED,
    ("follow_up_record", ASSIGNED, CO): ASSIGNED,
    ("follow_up_record", IN_PROGRESS, CO): IN_PROGRESS,
    ("follow_up_record", REPLIED, CO): REPLIED,
    ("follow_up_record", REWORK, CO): REWORK,
    ("follow_up_record", CLOSED, CO): CLOSED,
    # 办复: the lead, 办理中 (after signing and the co opinions) / 重新办理.
    ("reply_submit", IN_PROGRESS, LEAD): REPLIED,
    ("reply_submit", REWORK, LEAD): REPLIED,
    # 退办审批: the office; approving re-assigns (to 已交办) and needs 已交办 / 办理中;
    # rejecting does not look at the state.
    ("return_decide:approve", ASSIGNED, OFFICE): ASSIGNED,
    ("return_decide:approve", IN_PROGRESS, OFFICE): ASSIGNED,
    ("return_decide:reject", ASSIGNED, OFFICE): ASSIGNED,
    ("return_decide:reject", IN_PROGRESS, OFFICE): IN_PROGRESS,
    ("return_decide:reject", REPLIED, OFFICE): REPLIED,
    ("return_decide:reject", REWORK, OFFICE): REWORK,
    ("return_decide:reject", CLOSED, OFFICE): CLOSED,
    # 申请退办: the lead, 已交办 / 办理中, within the window.
    ("return_request", ASSIGNED, LEAD): ASSIGNED,
    ("return_request", IN_PROGRESS, LEAD): IN_PROGRESS,
    # 交办: the office, draft only.
    ("suggestion_assign", DRAFT, OFFICE): ASSIGNED,
    # 办结 without a rating: the office, 已答复 only.
    ("suggestion_close", REPLIED, OFFICE): CLOSED,
    # 登记: the office, whatever state some other item is in.
    ("suggestion_create", DRAFT, OFFICE): DRAFT,
    ("suggestion_create", ASSIGNED, OFFICE): DRAFT,
    ("suggestion_create", IN_PROGRESS, OFFICE): DRAFT,
    ("suggestion_create", REPLIED, OFFICE): DRAFT,
    ("suggestion_create", REWORK, OFFICE): DRAFT,
    ("suggestion_create", CLOSED, OFFICE): DRAFT,
    ("suggestion_create", VOIDED, OFFICE): DRAFT,
    # 登记 in bulk (the import): the same.
    ("suggestions_bulk_create", DRAFT, OFFICE): DRAFT,
    ("suggestions_bulk_create", ASSIGNED, OFFICE): DRAFT,
    ("suggestions_bulk_create", IN_PROGRESS, OFFICE): DRAFT,
    ("suggestions_bulk_create", REPLIED, OFFICE): DRAFT,
    ("suggestions_bulk_create", REWORK, OFFICE): DRAFT,
    ("suggestions_bulk_create", CLOSED, OFFICE): DRAFT,
    ("suggestions_bulk_create", VOIDED, OFFICE): DRAFT,
    # 重新交办: the office, 已交办 / 办理中.
    ("suggestion_reassign", ASSIGNED, OFFICE): ASSIGNED,
    ("suggestion_reassign", IN_PROGRESS, OFFICE): ASSIGNED,
    # 重点督办: office or supervisor, once assigned.
    ("suggestion_set_key_supervision", ASSIGNED, OFFICE): ASSIGNED,
    ("suggestion_set_key_supervision", IN_PROGRESS, OFFICE): IN_PROGRESS,
    ("suggestion_set_key_supervision", REPLIED, OFFICE): REPLIED,
    ("suggestion_set_key_supervision", REWORK, OFFICE): REWORK,
    ("suggestion_set_key_supervision", CLOSED, OFFICE): CLOSED,
    ("suggestion_set_key_supervision", ASSIGNED, SUPERVISOR): ASSIGNED,
    ("suggestion_set_key_supervision", IN_PROGRESS, SUPERVISOR): IN_PROGRESS,
    ("suggestion_set_key_supervision", REPLIED, SUPERVISOR): REPLIED,
    ("suggestion_set_key_supervision", REWORK, SUPERVISOR): REWORK,
    ("suggestion_set_key_supervision", CLOSED, SUPERVISOR): CLOSED,
    # 修改: the office, until closed.
    ("suggestion_update", DRAFT, OFFICE): DRAFT,
    ("suggestion_update", ASSIGNED, OFFICE): ASSIGNED,
    ("suggestion_update", IN_PROGRESS, OFFICE): IN_PROGRESS,
    ("suggestion_update", REPLIED, OFFICE): REPLIED,
    ("suggestion_update", REWORK, OFFICE): REWORK,
    # 作废: the office, from any state but voided.
    ("suggestion_void", DRAFT, OFFICE): VOIDED,
    ("suggestion_void", ASSIGNED, OFFICE): VOIDED,
    ("suggestion_void", IN_PROGRESS, OFFICE): VOIDED,
    ("suggestion_void", REPLIED, OFFICE): VOIDED,
    ("suggestion_void", REWORK, OFFICE): VOIDED,
    ("suggestion_void", CLOSED, OFFICE): VOIDED,
}


def _cases():
    for service in SERVICES:
        for state in STATES:
            if state == DRAFT and service in NEEDS_RETURN_REQUEST | NEEDS_EXTENSION_REQUEST:
                continue
            for role in ROLES:
                yield pytest.param(service, state, role, id=f"{service}-{state}-{role}")


CASES = list(_cases())


def test_the_table_names_only_known_services_states_and_roles():
    assert {service for service, _, _ in ALLOWED} <= set(SERVICES)
    assert {state for _, state, _ in ALLOWED} <= set(STATES)
    assert {role for _, _, role in ALLOWED} <= set(ROLES)
    assert {name.split(":")[0] for name in SERVICES} == set(services.__all__) - {"VersionConflict"}
    tried = {tuple(c.values) for c in CASES}
    assert set(ALLOWED) <= tried


# ---------------------------------------------------------------------------------------
# Building a starting state through the services


def _make_request(kind: str, s: Suggestion, lead_handler, when_day: dt.date):
    if kind == "return":
        return services.return_request(
            suggestion=s, actor=lead_handler, reason="不属于本单位职责。", when=at(when_day)
        )
    return services.extension_request(
        suggestion=s,
        actor=lead_handler,
        requested_due_on=EXTEND_TO,
        reason="涉及多部门协调。",
        when=at(when_day),
    )


def build(journey, status: str, *, pending: str | None = None):
    """An item in `status`, and a pending return/extension request when asked for one.

    The request is made by the lead on an assigned or in-progress item (2024-02-05) and
    stays pending while the item moves on.
    """
    s = journey.draft()
    request = None
    if status == DRAFT:
        assert pending is None
        return s, None
    services.suggestion_assign(
        suggestion=s,
        lead=journey.lead_department,
        co_departments=[journey.co_department],
        actor=journey.office,
        assigned_on=ASSIGNED_ON,
        when=at(ASSIGNED_ON),
    )
    if status == ASSIGNED:
        if pending:
            request = _make_request(pending, s, journey.lead_handler, IN_WINDOW)
        return Suggestion.objects.get(pk=s.pk), request
    services.assignment_acknowledge(suggestion=s, actor=journey.lead_handler, when=at(ACK_ON))
    if pending:
        request = _make_request(pending, s, journey.lead_handler, IN_WINDOW)
    services.co_opinion_submit(
        suggestion=s, actor=journey.co_handler, opinion="同意主办单位意见。", when=at(CO_OPINION_ON)
    )
    if status == IN_PROGRESS:
        return Suggestion.objects.get(pk=s.pk), request
    if status == VOIDED:
        services.suggestion_void(
            suggestion=s, actor=journey.office, reason="重复登记。", when=at(VOIDED_ON)
        )
        return Suggestion.objects.get(pk=s.pk), request
    services.reply_submit(
        suggestion=s,
        actor=journey.lead_handler,
        outcome=Outcome.PLANNED,
        text="已列入明年计划。",
        replied_on=REPLIED_ON,
        when=at(REPLIED_ON),
    )
    if status == REPLIED:
        return Suggestion.objects.get(pk=s.pk), request
    unsatisfied = status == REWORK
    services.feedback_record(
        suggestion=s,
        actor=journey.office,
        satisfaction=Satisfaction.UNSATISFIED if unsatisfied else Satisfaction.SATISFIED,
        comment="希望加快进度。" if unsatisfied else "",
        received_on=FEEDBACK_ON,
        when=at(FEEDBACK_ON),
    )
    s = Suggestion.objects.get(pk=s.pk)
    assert s.status == status
    return s, request


# ---------------------------------------------------------------------------------------
# Calling each service with valid arguments

FOLLOW_UP_KIND = {
    OFFICE: FollowUp.Kind.SUPERVISION,
    SUPERVISOR: FollowUp.Kind.SUPERVISION,
    LEAD: FollowUp.Kind.VISIT,
    CO: FollowUp.Kind.VISIT,
    OTHER: FollowUp.Kind.VISIT,
}


def call(service: str, *, s, actor, role, request, ctx):
    when = at(LATER)
    match service:
        case "assignment_acknowledge":
            return services.assignment_acknowledge(suggestion=s, actor=actor, when=when)
        case "co_opinion_submit":
            return services.co_opinion_submit(
                suggestion=s, actor=actor, opinion="建议结合片区改造统筹考虑。", when=when
            )
        case "extension_decide:approve" | "extension_decide:reject":
            return services.extension_decide(
                request=request, actor=actor, approve=service.endswith("approve"), when=when
            )
        case "extension_request":
            return services.extension_request(
                suggestion=s,
                actor=actor,
                requested_due_on=EXTEND_TO,
                reason="涉及多部门协调。",
                when=when,
            )
        case "feedback_record:satisfied":
            return services.feedback_record(
                suggestion=s, actor=actor, satisfaction=Satisfaction.SATISFIED, when=when
            )
        case "feedback_record:unsatisfied":
            return services.feedback_record(
                suggestion=s,
                actor=actor,
                satisfaction=Satisfaction.UNSATISFIED,
                comment="未见实际进展。",
                when=when,
            )
        case "follow_up_record":
            return services.follow_up_record(
                suggestion=s,
                actor=actor,
                kind=FOLLOW_UP_KIND[role],
                findings="现场查看，正在推进。",
                when=when,
            )
        case "reply_submit":
            return services.reply_submit(
                suggestion=s,
                actor=actor,
                outcome=Outcome.RESOLVED,
                text="已完成改造。",
                replied_on=LATER,
                when=when,
            )
        case "return_decide:approve":
            return services.return_decide(
                request=request, actor=actor, approve=True, lead=ctx["other_department"], when=when
            )
        case "return_decide:reject":
            return services.return_decide(request=request, actor=actor, approve=False, when=when)
        case "return_request":
            return services.return_request(
                suggestion=s, actor=actor, reason="不属于本单位职责。", when=at(IN_WINDOW)
            )
        case "suggestion_assign":
            return services.suggestion_assign(
                suggestion=s,
                lead=ctx["lead_department"],
                co_departments=[ctx["co_department"]],
                actor=actor,
                when=when,
            )
        case "suggestion_close":
            return services.suggestion_close(suggestion=s, actor=actor, when=when)
        case "suggestion_create":
            return services.suggestion_create(
                actor=actor,
                title="关于增设社区食堂的建议",
                lead_deputy=ctx["deputy"],
                received_on=dt.date(2024, 3, 15),
                source=Source.RECESS,
                when=when,
            )
        case "suggestions_bulk_create":
            return services.suggestions_bulk_create(
                actor=actor,
                items=[
                    services.NewSuggestion(
                        title="关于增设社区食堂的建议",
                        lead_deputy=ctx["deputy"],
                        received_on=dt.date(2024, 3, 15),
                        source=Source.RECESS,
                    )
                ],
                when=when,
            )
        case "suggestion_reassign":
            return services.suggestion_reassign(
                suggestion=s, lead=ctx["other_department"], actor=actor, when=when
            )
        case "suggestion_set_key_supervision":
            return services.suggestion_set_key_supervision(
                suggestion=s, actor=actor, key_supervision=True, when=when
            )
        case "suggestion_void":
            return services.suggestion_void(
                suggestion=s, actor=actor, reason="与另一件重复登记。", when=when
            )
        case "suggestion_update":
            return services.suggestion_update(
                suggestion=s,
                actor=actor,
                expected_version=s.version,
                title=f"{s.title}（修改）",
                when=when,
            )
    raise AssertionError(f"unknown service {service}")


def snapshot(pk: int) -> dict:
    """Everything a service may write, read back from the database."""
    s = Suggestion.objects.get(pk=pk)
    return {
        "status": s.status,
        "version": s.version,
        "title": s.title,
        "key_supervision": s.key_supervision,
        "due_on": s.due_on,
        "reply_due_on": s.reply_due_on,
        "outcome": s.outcome,
        "satisfaction": s.satisfaction,
        "events": Event.objects.filter(suggestion_id=pk).count(),
        "history": Suggestion.history.filter(id=pk).count(),
        "suggestions": Suggestion.objects.count(),
        "assignments": list(
            Assignment.objects.filter(suggestion_id=pk)
            .order_by("pk")
            .values_list(
                "department_id",
                "role",
                "is_active",
                "acknowledged_at",
                "opinion",
                "extended_due_on",
            )
        ),
        "assignment_history": Assignment.history.count(),
        "replies": Reply.objects.count(),
        "feedbacks": Feedback.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "outcome_changes": OutcomeChange.objects.count(),
        "return_requests": list(ReturnRequest.objects.order_by("pk").values_list("pk", "status")),
        "extension_requests": list(
            ExtensionRequest.objects.order_by("pk").values_list("pk", "status")
        ),
    }


@pytest.fixture
def actors(office, supervisor, lead_handler, co_handler, other_handler):
    return {
        OFFICE: office,
        SUPERVISOR: supervisor,
        LEAD: lead_handler,
        CO: co_handler,
        OTHER: other_handler,
    }


@pytest.fixture
def ctx(lead_department, co_department, other_department):
    return {
        "lead_department": lead_department,
        "co_department": co_department,
        "other_department": other_department,
        "deputy": DeputyFactory(),
    }


@pytest.mark.parametrize(("service", "state", "role"), CASES)
def test_matrix(service, state, role, journey, actors, ctx):
    pending = (
        "return"
        if service in NEEDS_RETURN_REQUEST
        else "extension"
        if service in NEEDS_EXTENSION_REQUEST
        else None
    )
    s, request = build(journey, state, pending=pending)
    actor = actors[role]
    before = snapshot(s.pk)
    expected = ALLOWED.get((service, state, role))

    if expected is None:
        with pytest.raises(ValidationError):
            call(service, s=s, actor=actor, role=role, request=request, ctx=ctx)
        assert snapshot(s.pk) == before
        return

    call(service, s=s, actor=actor, role=role, request=request, ctx=ctx)
    if service in ("suggestion_create", "suggestions_bulk_create"):
        # The existing item is untouched; a new draft exists, written by the actor.
        assert snapshot(s.pk) | {"suggestions": 0} == before | {"suggestions": 0}
        new = Suggestion.objects.exclude(pk=s.pk).get(title="关于增设社区食堂的建议")
        assert new.status == expected
        assert new.version == 1
        assert list(new.events.values_list("actor", flat=True)) == [actor.pk]
        assert list(new.history.values_list("history_user", flat=True)) == [actor.pk]
        return

    s.refresh_from_db()
    assert s.status == expected
    assert s.version == before["version"] + 1
    assert s.events.count() == before["events"] + 1
    assert s.history.count() == before["history"] + 1
    assert s.events.order_by("-id").first().actor == actor
    assert s.history.order_by("-history_id").first().history_user == actor


# ---------------------------------------------------------------------------------------
# Refusals with their words


def assert_refused(fn, pk: int, message: str) -> ValidationError:
    before = snapshot(pk)
    with pytest.raises(ValidationError) as info:
        fn()
    assert message in " ".join(info.value.messages)
    assert snapshot(pk) == before
    return info.value


def test_reply_before_the_co_opinion_is_refused(journey):
    s = journey.to(IN_PROGRESS)  # the journey's in-progress item has no co opinion yet
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            replied_on=LATER,
            when=at(LATER),
        ),
        s.pk,
        f"会办单位{journey.co_department.name}尚未提交会办意见",
    )


def test_reply_before_acknowledging_is_refused(journey):
    s = journey.to(ASSIGNED)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            replied_on=LATER,
            when=at(LATER),
        ),
        s.pk,
        "请先签收该建议，再答复代表",
    )


def test_reply_dated_in_the_future_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            replied_on=LATER + dt.timedelta(days=1),
            when=at(LATER),
        ),
        s.pk,
        "答复日期不能晚于今天（2024-03-20）",
    )


def test_reply_dated_before_the_assignment_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            replied_on=ASSIGNED_ON - dt.timedelta(days=1),
            when=at(LATER),
        ),
        s.pk,
        "答复日期不能早于2024-02-01",
    )


def test_reply_without_an_outcome_or_text_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s, actor=journey.lead_handler, outcome="", text="已解决。", when=at(LATER)
        ),
        s.pk,
        "请选择办理结果",
    )
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="   ",
            when=at(LATER),
        ),
        s.pk,
        "请填写答复内容",
    )


def test_reply_by_the_co_department_is_refused(journey):
    s, _ = build(journey, IN_PROGRESS)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.co_handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            when=at(LATER),
        ),
        s.pk,
        "您所在单位不是该建议的主办单位，不能答复代表",
    )


def test_unsatisfied_feedback_without_a_comment_is_refused(journey):
    s = journey.to(REPLIED)
    assert_refused(
        lambda: services.feedback_record(
            suggestion=s,
            actor=journey.office,
            satisfaction=Satisfaction.UNSATISFIED,
            comment="  ",
            when=at(LATER),
        ),
        s.pk,
        "代表不满意时，请记录代表的具体意见",
    )


def test_feedback_dated_before_the_reply_is_refused(journey):
    s = journey.to(REPLIED)
    assert_refused(
        lambda: services.feedback_record(
            suggestion=s,
            actor=journey.office,
            satisfaction=Satisfaction.SATISFIED,
            received_on=REPLIED_ON - dt.timedelta(days=1),
            when=at(LATER),
        ),
        s.pk,
        "反馈日期不能早于2024-03-01",
    )


def test_unsatisfied_feedback_opens_rework_due_one_calendar_month_later(journey):
    s = journey.to(REPLIED)
    services.feedback_record(
        suggestion=s,
        actor=journey.office,
        satisfaction=Satisfaction.UNSATISFIED,
        comment="未见实际进展。",
        received_on=dt.date(2024, 3, 31),
        when=at(dt.date(2024, 4, 2)),
    )
    s.refresh_from_db()
    assert s.status == REWORK
    assert s.due_on == dt.date(2024, 4, 30)  # 31 March + 1 month clamps to 30 April


def test_extension_beyond_three_months_after_the_due_date_is_refused(journey):
    s = journey.to(IN_PROGRESS)
    # Due 2024-05-01 (2024-02-01 + 3 months); at most 3 months later: 2024-08-01.
    assert s.due_on == dt.date(2024, 5, 1)
    assert_refused(
        lambda: services.extension_request(
            suggestion=s,
            actor=journey.lead_handler,
            requested_due_on=dt.date(2024, 8, 2),
            reason="涉及多部门协调。",
            when=at(LATER),
        ),
        s.pk,
        "延期最长至2024-08-01",
    )
    request = services.extension_request(
        suggestion=s,
        actor=journey.lead_handler,
        requested_due_on=dt.date(2024, 8, 1),
        reason="涉及多部门协调。",
        when=at(LATER),
    )
    services.extension_decide(request=request, actor=journey.office, approve=True, when=at(LATER))
    s.refresh_from_db()
    assert s.due_on == s.reply_due_on == dt.date(2024, 8, 1)


def test_extension_not_after_the_current_due_date_is_refused(journey):
    s = journey.to(IN_PROGRESS)
    assert_refused(
        lambda: services.extension_request(
            suggestion=s,
            actor=journey.lead_handler,
            requested_due_on=dt.date(2024, 5, 1),
            reason="涉及多部门协调。",
            when=at(LATER),
        ),
        s.pk,
        "申请延期的日期须晚于当前期限（2024-05-01）",
    )


def test_a_second_pending_extension_request_is_refused(journey):
    s = journey.to(IN_PROGRESS)
    services.extension_request(
        suggestion=s,
        actor=journey.lead_handler,
        requested_due_on=EXTEND_TO,
        reason="涉及多部门协调。",
        when=at(LATER),
    )
    assert_refused(
        lambda: services.extension_request(
            suggestion=s,
            actor=journey.lead_handler,
            requested_due_on=EXTEND_TO,
            reason="再次申请。",
            when=at(LATER),
        ),
        s.pk,
        "已有一份延期申请正在审批",
    )


def test_deciding_an_extension_twice_is_refused(journey):
    s, request = build(journey, IN_PROGRESS, pending="extension")
    services.extension_decide(request=request, actor=journey.office, approve=False, when=at(LATER))
    assert_refused(
        lambda: services.extension_decide(
            request=request, actor=journey.office, approve=True, when=at(LATER)
        ),
        s.pk,
        "该延期申请已处理（不同意）",
    )


def test_return_request_after_the_window_is_refused(journey):
    s = journey.to(ASSIGNED)
    # 5 working days after Thu 2024-02-01: 02-02, Sun 02-04 (make-up day), 02-05, 02-06,
    # 02-07.
    assert s.assignments.get(role=Assignment.Role.LEAD).return_window_ends_on == dt.date(2024, 2, 7)
    assert_refused(
        lambda: services.return_request(
            suggestion=s,
            actor=journey.lead_handler,
            reason="不属于本单位职责。",
            when=at(dt.date(2024, 2, 8)),
        ),
        s.pk,
        "截止2024-02-07），已超过期限",
    )
    # On the last day of the window it is still accepted.
    services.return_request(
        suggestion=s,
        actor=journey.lead_handler,
        reason="不属于本单位职责。",
        when=at(dt.date(2024, 2, 7)),
    )
    assert ReturnRequest.objects.filter(status=RequestStatus.PENDING).count() == 1


def test_return_request_without_a_reason_is_refused(journey):
    s = journey.to(ASSIGNED)
    assert_refused(
        lambda: services.return_request(
            suggestion=s, actor=journey.lead_handler, reason=" ", when=at(IN_WINDOW)
        ),
        s.pk,
        "请填写退办理由",
    )


def test_approving_a_return_needs_a_new_lead_other_than_the_returning_one(journey):
    s, request = build(journey, ASSIGNED, pending="return")
    assert_refused(
        lambda: services.return_decide(
            request=request, actor=journey.office, approve=True, when=at(LATER)
        ),
        s.pk,
        "同意退办时须指定新的主办单位",
    )
    assert_refused(
        lambda: services.return_decide(
            request=request,
            actor=journey.office,
            approve=True,
            lead=journey.lead_department,
            when=at(LATER),
        ),
        s.pk,
        "新的主办单位不能是申请退办的单位",
    )


def test_approved_return_reassigns_with_new_deadlines(journey, other_department):
    s, request = build(journey, IN_PROGRESS, pending="return")
    services.return_decide(
        request=request,
        actor=journey.office,
        approve=True,
        lead=other_department,
        assigned_on=LATER,
        when=at(LATER),
    )
    s.refresh_from_db()
    assert s.status == ASSIGNED
    assert s.due_on == s.reply_due_on == dt.date(2024, 6, 20)
    active = s.assignments.filter(is_active=True)
    assert [(a.department, a.role) for a in active] == [(other_department, Assignment.Role.LEAD)]
    old = s.assignments.filter(is_active=False)
    assert {a.department for a in old} == {journey.lead_department, journey.co_department}
    assert {a.ended_on for a in old} == {LATER}
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


def test_assign_with_the_lead_also_as_co_department_is_refused(journey):
    s = journey.draft()
    assert_refused(
        lambda: services.suggestion_assign(
            suggestion=s,
            lead=journey.lead_department,
            co_departments=[journey.co_department, journey.lead_department],
            actor=journey.office,
            when=at(LATER),
        ),
        s.pk,
        f"{journey.lead_department.name}不能同时作为主办单位和会办单位",
    )


def test_assign_to_an_inactive_department_is_refused(journey, other_department):
    other_department.is_active = False
    other_department.save()
    s = journey.draft()
    assert_refused(
        lambda: services.suggestion_assign(
            suggestion=s, lead=other_department, actor=journey.office, when=at(LATER)
        ),
        s.pk,
        f"承办单位已停用：{other_department.name}",
    )


def test_assign_dated_before_receipt_is_refused(journey):
    s = journey.draft()  # received 2024-01-15
    assert_refused(
        lambda: services.suggestion_assign(
            suggestion=s,
            lead=journey.lead_department,
            actor=journey.office,
            assigned_on=dt.date(2024, 1, 14),
            when=at(LATER),
        ),
        s.pk,
        "交办日期不能早于2024-01-15",
    )


def test_reassign_with_the_lead_also_as_co_department_is_refused(journey, other_department):
    s = journey.to(IN_PROGRESS)
    assert_refused(
        lambda: services.suggestion_reassign(
            suggestion=s,
            lead=other_department,
            co_departments=[other_department],
            actor=journey.office,
            when=at(LATER),
        ),
        s.pk,
        "不能同时作为主办单位和会办单位",
    )


def test_duplicate_number_on_create_is_refused(office):
    SuggestionFactory(year=2024, number=7)
    before = Suggestion.objects.count()
    with pytest.raises(ValidationError) as info:
        services.suggestion_create(
            actor=office,
            title="关于增设社区食堂的建议",
            lead_deputy=DeputyFactory(),
            received_on=dt.date(2024, 3, 15),
            year=2024,
            number=7,
            source=Source.RECESS,
            when=at(LATER),
        )
    assert "2024年度代表建议编号7已被使用" in info.value.messages[0]
    assert Suggestion.objects.count() == before


def test_create_numbers_after_the_highest_of_the_year_and_kind(office):
    SuggestionFactory(year=2024, number=41)
    s = services.suggestion_create(
        actor=office,
        title="关于增设社区食堂的建议",
        lead_deputy=DeputyFactory(),
        received_on=dt.date(2024, 3, 15),
        source=Source.RECESS,
        when=at(LATER),
    )
    assert (s.year, s.number, s.status, s.version) == (2024, 42, DRAFT, 1)
    assert s.code == "2024建042"


def bulk_item(**facts) -> services.NewSuggestion:
    return services.NewSuggestion(
        **{
            "title": "关于增设社区食堂的建议",
            "lead_deputy": DeputyFactory(),
            "received_on": dt.date(2024, 3, 15),
            "source": Source.RECESS,
            **facts,
        }
    )


def test_bulk_create_numbers_blanks_after_the_highest_registered_or_given(office):
    SuggestionFactory(year=2024, number=41)
    lead, other = DeputyFactory(), DeputyFactory()
    created = services.suggestions_bulk_create(
        actor=office,
        items=[
            bulk_item(number=50),
            bulk_item(lead_deputy=lead, co_signers=[other, lead, other]),
            bulk_item(),
        ],
        when=at(LATER),
        via="Excel导入",
    )
    assert [s.number for s in created] == [50, 51, 52]
    second = Suggestion.objects.get(pk=created[1].pk)
    assert (second.status, second.version, second.created_by) == (DRAFT, 1, office)
    assert list(second.co_signers.all()) == [other]
    (event,) = second.events.all()
    assert (event.actor, event.to_status, event.note) == (
        office,
        DRAFT,
        "登记为2024建051（Excel导入）",
    )
    (history,) = second.history.all()
    assert (history.history_user, history.history_change_reason) == (office, "Excel导入")


def test_bulk_create_refuses_a_number_in_use_and_writes_nothing(office):
    SuggestionFactory(year=2024, number=7)
    before = (Suggestion.objects.count(), Event.objects.count())
    with pytest.raises(ValidationError) as info:
        services.suggestions_bulk_create(
            actor=office, items=[bulk_item(number=6), bulk_item(number=7)], when=at(LATER)
        )
    assert info.value.messages == ["2024年度代表建议编号7已被使用。"]
    assert (Suggestion.objects.count(), Event.objects.count()) == before


def test_bulk_create_refuses_a_number_given_twice(office):
    with pytest.raises(ValidationError) as info:
        services.suggestions_bulk_create(
            actor=office, items=[bulk_item(number=3), bulk_item(number=3)], when=at(LATER)
        )
    assert info.value.messages == ["2024年度代表建议编号3已被使用。"]
    assert not Suggestion.objects.exists()


def test_bulk_create_checks_each_item_as_create_does(office):
    with pytest.raises(ValidationError) as info:
        services.suggestions_bulk_create(
            actor=office,
            items=[bulk_item(), bulk_item(source=Source.SESSION)],
            when=at(LATER),
        )
    assert "大会期间提出的建议须选择所属会议" in info.value.messages[0]
    assert not Suggestion.objects.exists()


def test_create_in_session_without_a_session_is_refused(office):
    with pytest.raises(ValidationError) as info:
        services.suggestion_create(
            actor=office,
            title="关于增设社区食堂的建议",
            lead_deputy=DeputyFactory(),
            received_on=dt.date(2024, 3, 15),
            source=Source.SESSION,
            when=at(LATER),
        )
    assert "大会期间提出的建议须选择所属会议" in info.value.messages[0]
    assert Suggestion.objects.count() == 0


def test_create_received_in_the_future_is_refused(office):
    with pytest.raises(ValidationError) as info:
        services.suggestion_create(
            actor=office,
            title="关于增设社区食堂的建议",
            lead_deputy=DeputyFactory(),
            received_on=dt.date(2024, 3, 21),
            source=Source.RECESS,
            when=at(LATER),
        )
    assert "收到日期不能晚于今天（2024-03-20）" in info.value.messages[0]
    assert Suggestion.objects.count() == 0


def test_changing_the_number_after_assignment_is_refused(journey):
    s = journey.to(ASSIGNED)
    assert_refused(
        lambda: services.suggestion_update(
            suggestion=s,
            actor=journey.office,
            expected_version=s.version,
            number=s.number + 100,
            when=at(LATER),
        ),
        s.pk,
        "建议已交办，年度、类别和编号不能再修改",
    )


def test_editing_a_closed_item_is_refused(journey):
    s = journey.to(CLOSED)
    assert_refused(
        lambda: services.suggestion_update(
            suggestion=s,
            actor=journey.office,
            expected_version=s.version,
            title="新标题",
            when=at(LATER),
        ),
        s.pk,
        "已办结的建议不能修改",
    )


def test_a_wrong_state_names_the_states_allowed(journey):
    s = journey.to(DRAFT)
    assert_refused(
        lambda: services.suggestion_close(suggestion=s, actor=journey.office, when=at(LATER)),
        s.pk,
        "该建议当前状态为“待交办”，不能办结（仅限“已答复”状态）",
    )


def test_a_handler_cannot_assign(journey):
    s = journey.draft()
    assert_refused(
        lambda: services.suggestion_assign(
            suggestion=s, lead=journey.lead_department, actor=journey.lead_handler, when=at(LATER)
        ),
        s.pk,
        "只有区政府办公室工作人员可以交办建议",
    )


def test_acknowledging_twice_is_refused(journey):
    s = journey.to(IN_PROGRESS)
    assert_refused(
        lambda: services.assignment_acknowledge(
            suggestion=s, actor=journey.lead_handler, when=at(LATER)
        ),
        s.pk,
        f"{journey.lead_department.name}已于2024-02-02签收，无需重复签收",
    )


def test_empty_co_opinion_is_refused(journey):
    s = journey.to(ASSIGNED)
    assert_refused(
        lambda: services.co_opinion_submit(
            suggestion=s, actor=journey.co_handler, opinion="  ", when=at(LATER)
        ),
        s.pk,
        "请填写会办意见",
    )


def test_follow_up_kinds_are_limited_by_role(journey):
    s = journey.to(REPLIED)
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=journey.lead_handler,
            kind=FollowUp.Kind.SUPERVISION,
            findings="督办。",
            when=at(LATER),
        ),
        s.pk,
        "承办单位不能登记“督办”记录",
    )
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=journey.lead_handler,
            kind=FollowUp.Kind.VISIT,
            findings="走访。",
            new_outcome=Outcome.RESOLVED,
            when=at(LATER),
        ),
        s.pk,
        "只有跟踪复查可以变更办理结果",
    )


def test_a_follow_up_on_a_draft_is_refused(journey):
    s = journey.draft()
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=journey.office,
            kind=FollowUp.Kind.SUPERVISION,
            findings="督办。",
            when=at(LATER),
        ),
        s.pk,
        "建议尚未交办，不能登记跟踪记录",
    )


def test_a_recheck_before_any_reply_is_refused(journey, supervisor):
    s = journey.to(IN_PROGRESS)
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=supervisor,
            kind=FollowUp.Kind.RECHECK,
            findings="复查。",
            when=at(LATER),
        ),
        s.pk,
        "建议尚未办复，不能跟踪复查",
    )


def test_a_recheck_to_the_same_outcome_or_dated_before_the_reply_is_refused(journey, supervisor):
    s = journey.to(REPLIED)  # outcome 计划解决, replied 2024-03-01
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=supervisor,
            kind=FollowUp.Kind.RECHECK,
            findings="复查。",
            new_outcome=Outcome.PLANNED,
            when=at(LATER),
        ),
        s.pk,
        "办理结果已是“计划解决”，无需变更",
    )
    assert_refused(
        lambda: services.follow_up_record(
            suggestion=s,
            actor=supervisor,
            kind=FollowUp.Kind.RECHECK,
            findings="复查。",
            new_outcome=Outcome.RESOLVED,
            happened_on=dt.date(2024, 2, 29),
            when=at(LATER),
        ),
        s.pk,
        "复查日期不能早于最近一次办理结果的日期（2024-03-01）",
    )


def test_setting_key_supervision_twice_is_refused(journey, supervisor):
    s = journey.to(ASSIGNED)
    services.suggestion_set_key_supervision(
        suggestion=s, actor=supervisor, key_supervision=True, when=at(LATER)
    )
    assert_refused(
        lambda: services.suggestion_set_key_supervision(
            suggestion=s, actor=supervisor, key_supervision=True, when=at(LATER)
        ),
        s.pk,
        "该建议已是重点督办件",
    )


def test_a_return_request_of_a_department_that_no_longer_holds_the_item_cannot_be_approved(
    journey, other_department
):
    """The lead asks to return the item; meanwhile the office re-assigns it elsewhere.

    Approving the old request afterwards must be refused (like extension_decide does for an
    ended assignment): the department that asked no longer holds the item, and approving
    would end the *new* department's assignment on the strength of a stale request.
    """
    s, request = build(journey, ASSIGNED, pending="return")
    services.suggestion_reassign(
        suggestion=s, lead=other_department, actor=journey.office, when=at(IN_WINDOW)
    )
    request.refresh_from_db()
    assert not request.assignment.is_active
    before = snapshot(s.pk)
    with pytest.raises(ValidationError):
        services.return_decide(
            request=request,
            actor=journey.office,
            approve=True,
            lead=journey.co_department,
            when=at(LATER),
        )
    assert snapshot(s.pk) == before
    assert s.assignments.get(is_active=True, role=Assignment.Role.LEAD).department == (
        other_department
    )


def test_a_rework_reply_cannot_be_dated_before_the_feedback_that_opened_the_rework(journey):
    """Feedback (不满意) is dated 2024-03-10, after the first reply of 2024-03-01.

    The second-round reply answers that feedback, so it cannot be dated before it (every
    other date in the life is checked against the record it follows: feedback ≥ reply,
    reply ≥ previous reply or assignment, re-check ≥ last outcome). Otherwise the outcome
    ledger shows the round-2 outcome in force on 2024-03-05, before the deputy had rated
    round 1.
    """
    s = journey.to(REWORK)
    assert_refused(
        lambda: services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="已重新办理。",
            replied_on=dt.date(2024, 3, 5),
            when=at(LATER),
        ),
        s.pk,
        "答复日期不能早于",
    )
