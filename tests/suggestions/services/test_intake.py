"""Intake — 登记 `suggestion_create`, 修改 `suggestion_update`, 作废 `suggestion_void`: the
refusals word for word and what an allowed call writes (who may call them from which state is
in test_matrix.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.models import Event
from suggestions.models import Source
from suggestions.models import Suggestion
from tests.conftest import at
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.suggestions.services.helpers import ASSIGNED
from tests.suggestions.services.helpers import CLOSED
from tests.suggestions.services.helpers import DRAFT
from tests.suggestions.services.helpers import LATER
from tests.suggestions.services.helpers import assert_refused


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
