"""Who may call which service from which state: the whole matrix.

The expected table (ALLOWED) is written out by hand from reading services.py; it is data,
not computed from the code under test. Every (service, state, role) triple that is not in
ALLOWED must be refused with a ValidationError that changes nothing.

The starting states are built through the services by `build` (helpers.py, which lists
them). The calls in the matrix happen on 2024-03-20 (LATER), except return requests, which
must be within the return window (5 working days after 2024-02-01 = 2024-02-07), so on
2024-02-05.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Suggestion
from tests.conftest import at
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.suggestions.services.helpers import ASSIGNED
from tests.suggestions.services.helpers import CLOSED
from tests.suggestions.services.helpers import DRAFT
from tests.suggestions.services.helpers import EXTEND_TO
from tests.suggestions.services.helpers import IN_PROGRESS
from tests.suggestions.services.helpers import IN_WINDOW
from tests.suggestions.services.helpers import LATER
from tests.suggestions.services.helpers import REPLIED
from tests.suggestions.services.helpers import REWORK
from tests.suggestions.services.helpers import VOIDED
from tests.suggestions.services.helpers import build
from tests.suggestions.services.helpers import snapshot

STATES = [DRAFT, ASSIGNED, IN_PROGRESS, REPLIED, REWORK, CLOSED, VOIDED]

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
    "reply_countersign",
    "reply_countersigned_submit",
    "reply_draft_submit",
    "reply_review",
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
    "suggestions_merge",
    "suggestion_split",
    "suggestion_unmerge",
]


# The four services of reply review and countersign (DESIGN §11) are refused to everyone in
# every state here: both switches are off (the default), so there is no draft to countersign
# or review and the lead replies directly. tests/suggestions/services/test_review.py
# covers them with the switches on.

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
    # 并案 and 分办 (DESIGN §11): the office, before assignment; 撤销并案 needs a merged item,
    # which no state here is (tests/suggestions/services/test_grouping.py has them).
    ("suggestions_merge", DRAFT, OFFICE): DRAFT,
    ("suggestion_split", DRAFT, OFFICE): ASSIGNED,
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
        case "reply_countersign":
            return services.reply_countersign(suggestion=s, actor=actor, agree=True, when=when)
        case "reply_countersigned_submit":
            return services.reply_countersigned_submit(suggestion=s, actor=actor, when=when)
        case "reply_review":
            return services.reply_review(suggestion=s, actor=actor, decision="send", when=when)
        case "reply_submit" | "reply_draft_submit":
            return getattr(services, service)(
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
            return services.suggestion_close(
                suggestion=s, actor=actor, reason="no_feedback", when=when
            )
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
        case "suggestions_merge":
            return services.suggestions_merge(
                suggestion=s, members=[ctx["member"]], actor=actor, when=when
            )
        case "suggestion_split":
            parts = [
                services.SplitPart(matter="绿化补种", lead=ctx["lead_department"]),
                services.SplitPart(matter="道路修缮", lead=ctx["other_department"]),
            ]
            return services.suggestion_split(suggestion=s, parts=parts, actor=actor, when=when)
        case "suggestion_unmerge":
            return services.suggestion_unmerge(
                suggestion=s, actor=actor, reason="并非同一事项。", when=when
            )
    raise AssertionError(f"unknown service {service}")


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
        # Another draft of the items' year, to merge (made before the snapshot).
        "member": SuggestionFactory(),
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
