"""Assignment — 交办 `suggestion_assign`, 重新交办 `suggestion_reassign`, 签收
`assignment_acknowledge`, 退办 `return_request` / `return_decide`, 延期 `extension_request` /
`extension_decide`: the refusals word for word and what an allowed call writes (who may call
them from which state is in test_matrix.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.models import Assignment
from suggestions.models import RequestStatus
from suggestions.models import ReturnRequest
from tests.conftest import at
from tests.suggestions.services.helpers import ASSIGNED
from tests.suggestions.services.helpers import EXTEND_TO
from tests.suggestions.services.helpers import IN_PROGRESS
from tests.suggestions.services.helpers import IN_WINDOW
from tests.suggestions.services.helpers import LATER
from tests.suggestions.services.helpers import assert_refused
from tests.suggestions.services.helpers import build
from tests.suggestions.services.helpers import snapshot


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


def test_a_handler_cannot_assign(journey):
    s = journey.draft()
    assert_refused(
        lambda: services.suggestion_assign(
            suggestion=s, lead=journey.lead_department, actor=journey.lead_handler, when=at(LATER)
        ),
        s.pk,
        "只有区政府办公室工作人员可以交办建议",
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


def test_acknowledging_twice_is_refused(journey):
    s = journey.to(IN_PROGRESS)
    assert_refused(
        lambda: services.assignment_acknowledge(
            suggestion=s, actor=journey.lead_handler, when=at(LATER)
        ),
        s.pk,
        f"{journey.lead_department.name}已于2024-02-02签收，无需重复签收",
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
        "延期最长至2024-08-01（原办复期限后不超过3个月）",
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
