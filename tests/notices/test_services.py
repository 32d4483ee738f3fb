"""Each notice of DESIGN §9 comes from the action that causes it, in its transaction, to
the right people only: a handler never receives another department's items."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from notices.models import Delivery
from notices.models import DepartmentContact
from notices.models import Kind
from notices.models import NoticePreference
from notices.models import Notification
from suggestions import services
from suggestions.models import ExtensionRequest
from suggestions.models import FollowUp
from suggestions.models import ReturnRequest
from suggestions.models import Status
from tests.conftest import at
from tests.factories import handler_user
from tests.notices.conftest import received


def test_assignment_notifies_lead_and_co_departments(
    journey, lead_handler, second_lead_handler, co_handler, other_handler, office, supervisor
):
    s = journey.to(Status.ASSIGNED)
    assert received(lead_handler) == [Kind.ASSIGNED]
    assert received(second_lead_handler) == [Kind.ASSIGNED]
    assert received(co_handler) == [Kind.ASSIGNED, Kind.CO_OPINION_DUE]
    assert received(other_handler) == [] and received(office) == [] and received(supervisor) == []
    lead_notice = Notification.objects.get(recipient=lead_handler)
    assert lead_notice.suggestion_id == s.pk and lead_notice.due_on == s.reply_due_on
    assert s.code in lead_notice.text and "主办" in lead_notice.text
    opinion = Notification.objects.get(recipient=co_handler, kind=Kind.CO_OPINION_DUE)
    assert opinion.due_on == dt.date(2024, 3, 1)


def test_inactive_and_roleless_users_of_the_department_get_nothing(journey, lead_department):
    gone = handler_user(lead_department, username="left", is_active=False)
    from tests.factories import UserFactory

    roleless = UserFactory(username="norole", department=lead_department)
    journey.to(Status.ASSIGNED)
    assert received(gone) == [] and received(roleless) == []


def test_reassignment_notifies_the_new_departments(
    journey, office, lead_handler, new_department, new_handler
):
    s = journey.to(Status.ASSIGNED, with_co=False)
    services.suggestion_reassign(
        suggestion=s, lead=new_department, actor=office, reason="职能调整", when=at(s.assigned_on)
    )
    assert received(new_handler) == [Kind.REASSIGNED]
    assert received(lead_handler) == [Kind.ASSIGNED]


def test_return_decisions_go_to_the_requesting_department(
    journey, office, lead_handler, co_handler, new_department, new_handler
):
    s = journey.to(Status.ASSIGNED)
    request = services.return_request(
        suggestion=s, actor=lead_handler, reason="不属于本单位职责。", when=at(s.assigned_on)
    )
    services.return_decide(
        request=request, actor=office, approve=False, note="请继续办理。", when=at(s.assigned_on)
    )
    assert received(lead_handler)[-1] == Kind.RETURN_DECIDED
    assert "不同意" in Notification.objects.filter(recipient=lead_handler).first().text
    request = services.return_request(
        suggestion=s, actor=lead_handler, reason="确不属于本单位职责。", when=at(s.assigned_on)
    )
    services.return_decide(
        request=ReturnRequest.objects.get(pk=request.pk),
        actor=office,
        approve=True,
        lead=new_department,
        when=at(s.assigned_on),
    )
    assert received(lead_handler)[-2:] == [Kind.RETURN_DECIDED, Kind.RETURN_DECIDED]
    assert received(new_handler) == [Kind.REASSIGNED]
    assert Kind.RETURN_DECIDED not in received(co_handler)


def test_extension_decision_goes_to_the_requesting_department(
    journey, office, lead_handler, co_handler
):
    s = journey.to(Status.IN_PROGRESS)
    when = at(dt.date(2024, 3, 1))
    request = services.extension_request(
        suggestion=s,
        actor=lead_handler,
        requested_due_on=dt.date(2024, 6, 1),
        reason="需协调资金。",
        when=when,
    )
    services.extension_decide(
        request=ExtensionRequest.objects.get(pk=request.pk), actor=office, approve=True, when=when
    )
    notice = Notification.objects.get(recipient=lead_handler, kind=Kind.EXTENSION_DECIDED)
    assert "2024年6月1日" in notice.text
    assert Kind.EXTENSION_DECIDED not in received(co_handler)


def test_reply_notifies_the_office(journey, office, supervisor, lead_handler):
    journey.to(Status.REPLIED)
    assert received(office) == [Kind.REPLIED]
    assert received(supervisor) == []
    assert Kind.REPLIED not in received(lead_handler)


def test_unsatisfied_feedback_notifies_lead_and_supervisors(
    journey, office, supervisor, lead_handler, co_handler
):
    journey.to(Status.REWORK)
    assert received(lead_handler)[-1] == Kind.REWORK
    assert received(supervisor) == [Kind.REWORK]
    assert Kind.REWORK not in received(co_handler)
    assert "希望加快进度" in Notification.objects.get(recipient=supervisor).text


def test_satisfied_feedback_notifies_nobody_new(journey, supervisor, lead_handler):
    journey.to(Status.CLOSED)
    assert received(supervisor) == []
    assert Kind.REWORK not in received(lead_handler)


def test_supervision_notifies_the_department(
    journey, supervisor, office, lead_handler, co_handler, other_handler
):
    s = journey.to(Status.IN_PROGRESS)
    services.follow_up_record(
        suggestion=s,
        actor=supervisor,
        kind=FollowUp.Kind.SUPERVISION,
        findings="进度偏慢，请加快。",
        when=at(dt.date(2024, 3, 4)),
    )
    services.suggestion_set_key_supervision(
        suggestion=s, actor=office, key_supervision=True, when=at(dt.date(2024, 3, 4))
    )
    assert received(lead_handler)[-2:] == [Kind.SUPERVISION, Kind.KEY_SUPERVISION]
    assert received(other_handler) == []


def test_a_refused_action_leaves_no_notice(journey, lead_handler, other_handler):
    s = journey.to(Status.DRAFT)
    with pytest.raises(ValidationError):
        services.suggestion_assign(suggestion=s, lead=lead_handler.department, actor=lead_handler)
    assert Notification.objects.count() == 0


def test_a_notice_failure_never_fails_the_action(journey, lead_handler):
    with mock.patch("notices.services.notify", side_effect=RuntimeError("boom")):
        s = journey.to(Status.ASSIGNED)
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED
    assert Notification.objects.count() == 0


def test_deliveries_follow_preferences_and_department_contacts(
    journey, lead_handler, second_lead_handler, lead_department, django_capture_on_commit_callbacks
):
    lead_handler.email, lead_handler.phone = "fg1@example.cn", "13800000001"
    lead_handler.save()
    NoticePreference.objects.create(user=lead_handler, by_email=True, by_sms=True)
    NoticePreference.objects.create(user=second_lead_handler, by_email=True)  # no address
    DepartmentContact.objects.create(
        department=lead_department, name="王联络", email="wang@example.cn", mobile="13900000002"
    )
    with (
        mock.patch("notices.services._enqueue_drain") as wake,
        django_capture_on_commit_callbacks(execute=True),
    ):
        journey.to(Status.ASSIGNED, with_co=False)
    assert wake.called
    got = sorted(Delivery.objects.values_list("channel", "address", "status"))
    assert got == [
        ("email", "fg1@example.cn", "pending"),
        ("email", "wang@example.cn", "pending"),
        ("sms", "13800000001", "pending"),
        ("sms", "13900000002", "pending"),
    ]
