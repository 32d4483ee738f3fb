"""Optimistic locking, and the trail every transition leaves (event + history with the actor)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.models import Assignment
from suggestions.models import Event
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.services import VersionConflict
from tests.conftest import ASSIGNED_ON
from tests.conftest import at
from tests.factories import office_user

LATER = dt.date(2024, 3, 20)


@pytest.fixture
def office2(db):
    return office_user(username="office2", last_name="王", first_name="芳")


def test_version_conflict_is_a_validation_error():
    assert issubclass(VersionConflict, ValidationError)


def test_second_edit_from_the_same_version_is_refused_and_names_who_changed_it(
    journey, office, office2
):
    s = journey.to(Status.ASSIGNED)
    # Both office users open the edit form on the same version.
    mine = Suggestion.objects.get(pk=s.pk)
    theirs = Suggestion.objects.get(pk=s.pk)
    read_version = mine.version
    assert theirs.version == read_version

    services.suggestion_update(
        suggestion=theirs,
        actor=office2,
        expected_version=read_version,
        title="关于改善老旧小区停车条件的建议",
    )
    events_after_first = Event.objects.filter(suggestion=s).count()
    history_after_first = s.history.count()

    with pytest.raises(VersionConflict) as info:
        services.suggestion_update(
            suggestion=mine,
            actor=office,
            expected_version=read_version,
            title="关于加强小区停车管理的建议",
        )
    message = info.value.messages[0]
    assert str(office2) == "王芳"
    assert "该建议已被王芳于" in message
    assert info.value.code == "conflict"

    s.refresh_from_db()
    assert s.title == "关于改善老旧小区停车条件的建议"
    assert s.version == read_version + 1
    assert Event.objects.filter(suggestion=s).count() == events_after_first
    assert s.history.count() == history_after_first


def test_the_current_version_is_accepted_after_a_refresh(journey, office, office2):
    s = journey.to(Status.ASSIGNED)
    v = s.version
    services.suggestion_update(suggestion=s, actor=office2, expected_version=v, title="标题一")
    services.suggestion_update(suggestion=s, actor=office, expected_version=v + 1, title="标题二")
    s.refresh_from_db()
    assert (s.title, s.version) == ("标题二", v + 2)


def test_a_stale_version_is_refused_on_assign(journey, office2):
    s = journey.draft()
    read_version = s.version
    services.suggestion_update(
        suggestion=s, actor=office2, expected_version=read_version, title="已改标题"
    )
    with pytest.raises(VersionConflict) as info:
        services.suggestion_assign(
            suggestion=s,
            lead=journey.lead_department,
            actor=journey.office,
            assigned_on=ASSIGNED_ON,
            expected_version=read_version,
            when=at(ASSIGNED_ON),
        )
    assert "王芳" in info.value.messages[0]
    s.refresh_from_db()
    assert s.status == Status.DRAFT
    assert s.version == read_version + 1
    assert not Assignment.objects.filter(suggestion=s).exists()
    assert not Event.objects.filter(suggestion=s, action=Event.Action.ASSIGN).exists()


def test_a_stale_version_is_refused_on_reply(journey):
    s = journey.to(Status.IN_PROGRESS)
    services.co_opinion_submit(
        suggestion=s, actor=journey.co_handler, opinion="同意。", when=at(dt.date(2024, 2, 20))
    )  # the co opinion bumps the version the lead read before it
    with pytest.raises(VersionConflict) as info:
        services.reply_submit(
            suggestion=s,
            actor=journey.lead_handler,
            outcome=Outcome.RESOLVED,
            text="已解决。",
            expected_version=s.version,
            when=at(LATER),
        )
    assert str(journey.co_handler) in info.value.messages[0]
    s.refresh_from_db()
    assert s.status == Status.IN_PROGRESS
    assert not Reply.objects.filter(suggestion=s).exists()


def _last_event(s):
    return Event.objects.filter(suggestion=s).order_by("-id").first()


def _last_history(model_history, **filters):
    return model_history.filter(**filters).order_by("-history_id").first()


def test_each_transition_leaves_an_event_and_a_history_row_with_its_actor(
    journey, office, lead_handler, co_handler, supervisor
):
    s = journey.draft()

    services.suggestion_assign(
        suggestion=s,
        lead=journey.lead_department,
        co_departments=[journey.co_department],
        actor=office,
        assigned_on=ASSIGNED_ON,
        when=at(ASSIGNED_ON),
    )
    event = _last_event(s)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        Event.Action.ASSIGN,
        office,
        Status.DRAFT,
        Status.ASSIGNED,
    )
    assert event.occurred_at == at(ASSIGNED_ON)
    assert _last_history(Suggestion.history, id=s.pk).history_user == office
    assert {
        a.history.order_by("-history_id").first().history_user for a in s.assignments.all()
    } == {office}

    services.assignment_acknowledge(suggestion=s, actor=lead_handler, when=at(dt.date(2024, 2, 2)))
    event = _last_event(s)
    assert (event.action, event.actor, event.department) == (
        Event.Action.ACKNOWLEDGE,
        lead_handler,
        journey.lead_department,
    )
    assert (event.from_status, event.to_status) == (Status.ASSIGNED, Status.IN_PROGRESS)
    assert _last_history(Suggestion.history, id=s.pk).history_user == lead_handler
    lead = s.assignments.get(role=Assignment.Role.LEAD)
    assert lead.acknowledged_by == lead_handler
    assert _last_history(Assignment.history, id=lead.pk).history_user == lead_handler

    services.co_opinion_submit(
        suggestion=s, actor=co_handler, opinion="同意主办单位意见。", when=at(dt.date(2024, 2, 20))
    )
    event = _last_event(s)
    assert (event.action, event.actor, event.department) == (
        Event.Action.CO_OPINION,
        co_handler,
        journey.co_department,
    )
    assert _last_history(Suggestion.history, id=s.pk).history_user == co_handler
    co = s.assignments.get(role=Assignment.Role.CO)
    co_history = _last_history(Assignment.history, id=co.pk)
    assert co_history.history_user == co_handler
    assert co_history.opinion == "同意主办单位意见。"

    reply = services.reply_submit(
        suggestion=s,
        actor=lead_handler,
        outcome=Outcome.PLANNED,
        text="已列入明年计划。",
        replied_on=dt.date(2024, 3, 1),
        promised_on=dt.date(2024, 12, 31),
        when=at(dt.date(2024, 3, 1)),
    )
    event = _last_event(s)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        Event.Action.REPLY,
        lead_handler,
        Status.IN_PROGRESS,
        Status.REPLIED,
    )
    assert _last_history(Suggestion.history, id=s.pk).history_user == lead_handler
    assert _last_history(Reply.history, id=reply.pk).history_user == lead_handler

    feedback = services.feedback_record(
        suggestion=s,
        actor=office,
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        received_on=dt.date(2024, 3, 10),
        when=at(dt.date(2024, 3, 10)),
    )
    event = _last_event(s)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        Event.Action.FEEDBACK,
        office,
        Status.REPLIED,
        Status.CLOSED,
    )
    assert _last_history(Suggestion.history, id=s.pk).history_user == office
    assert _last_history(Feedback.history, id=feedback.pk).history_user == office

    s.refresh_from_db()
    assert s.status == Status.CLOSED
    assert s.satisfaction == Satisfaction.BASICALLY_SATISFIED
    # One version step and one history row per transition after registration.
    assert s.version == 1 + 5
    assert s.history.count() == 1 + 5
    assert list(s.events.order_by("id").values_list("action", flat=True)) == [
        Event.Action.ASSIGN,
        Event.Action.ACKNOWLEDGE,
        Event.Action.CO_OPINION,
        Event.Action.REPLY,
        Event.Action.FEEDBACK,
    ]
    assert list(
        s.history.order_by("history_id").values_list("history_user__username", flat=True)
    ) == [
        None,
        office.username,
        lead_handler.username,
        co_handler.username,
        lead_handler.username,
        office.username,
    ]


def test_a_recheck_by_the_supervisor_changes_the_outcome_with_a_trail(journey, supervisor):
    s = journey.to(Status.REPLIED)
    assert s.outcome == Outcome.PLANNED
    version = s.version

    follow_up = services.follow_up_record(
        suggestion=s,
        actor=supervisor,
        kind=FollowUp.Kind.RECHECK,
        findings="现场复查，停车位已建成投用。",
        new_outcome=Outcome.RESOLVED,
        when=at(LATER),
    )

    s.refresh_from_db()
    assert s.outcome == Outcome.RESOLVED
    assert s.status == Status.REPLIED
    assert s.version == version + 1
    assert follow_up.happened_on == LATER
    assert follow_up.created_by == supervisor

    change = OutcomeChange.objects.get(suggestion=s, source=OutcomeChange.Source.RECHECK)
    assert (change.from_outcome, change.to_outcome) == (Outcome.PLANNED, Outcome.RESOLVED)
    assert change.follow_up == follow_up
    assert change.reply is None
    assert change.effective_on == LATER
    assert change.evidence == "现场复查，停车位已建成投用。"
    assert change.created_by == supervisor
    assert list(
        OutcomeChange.objects.filter(suggestion=s)
        .order_by("effective_on", "id")
        .values_list("source", "from_outcome", "to_outcome")
    ) == [
        (OutcomeChange.Source.REPLY, "", Outcome.PLANNED),
        (OutcomeChange.Source.RECHECK, Outcome.PLANNED, Outcome.RESOLVED),
    ]

    event = _last_event(s)
    assert (event.action, event.actor) == (Event.Action.RECHECK, supervisor)
    assert "由“计划解决”变更为“已经解决”" in event.note
    assert _last_history(Suggestion.history, id=s.pk).history_user == supervisor
    assert _last_history(Suggestion.history, id=s.pk).outcome == Outcome.RESOLVED
    assert _last_history(FollowUp.history, id=follow_up.pk).history_user == supervisor


def test_a_refused_transition_leaves_no_event_and_no_history(journey, supervisor):
    s = journey.to(Status.REPLIED)
    events, history, version = s.events.count(), s.history.count(), s.version
    with pytest.raises(ValidationError):
        services.suggestion_close(
            suggestion=s, actor=supervisor, reason="no_feedback", when=at(LATER)
        )
    s.refresh_from_db()
    assert (s.events.count(), s.history.count(), s.version, s.status) == (
        events,
        history,
        version,
        Status.REPLIED,
    )
