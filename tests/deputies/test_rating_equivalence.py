"""The lead deputy's online rating closes or reopens the item exactly as the office's
recording (代录) does, and a report as of an earlier date does not change (DESIGN §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import Kind as NoticeKind
from notices.models import Notification
from reports.figures import Scope
from reports.report import report_compute
from suggestions import services
from suggestions.models import Event
from suggestions.models import Satisfaction
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.factories import deputy_user

EARLIER = dt.date(2024, 6, 30)


def figures(as_of: dt.date):
    report = report_compute(scope=Scope(year=2024), as_of=as_of)
    return (
        report.satisfaction,
        report.outcomes,
        report.resolution_rate,
        [(u.code if hasattr(u, "code") else u) for u in report.unsatisfied],
    )


@pytest.mark.parametrize(
    ("satisfaction", "status"),
    [
        (Satisfaction.SATISFIED, Status.CLOSED),
        (Satisfaction.BASICALLY_SATISFIED, Status.CLOSED),
        (Satisfaction.UNSATISFIED, Status.REWORK),
    ],
)
def test_online_and_office_ratings_move_the_item_alike(
    client, journey, supervisor, satisfaction, status
):
    online_deputy = DeputyFactory(name="网上代表")
    online = journey.to(Status.REPLIED, SuggestionFactory(lead_deputy=online_deputy, year=2024))
    paper = journey.to(Status.REPLIED, SuggestionFactory(year=2024))
    earlier = figures(EARLIER)
    comment = "希望加快进度。" if satisfaction == Satisfaction.UNSATISFIED else ""

    client.force_login(deputy_user(online_deputy, username="daibiao1"))
    reply = online.replies.get()
    response = client.post(
        reverse("deputies:rate", args=[online.pk, reply.pk]),
        {"satisfaction": satisfaction, "comment": comment, "version": online.version},
    )
    assert response.status_code == 302
    services.feedback_record(
        suggestion=paper, actor=journey.office, satisfaction=satisfaction, comment=comment
    )

    online = Suggestion.objects.get(pk=online.pk)
    paper = Suggestion.objects.get(pk=paper.pk)
    fields = ("status", "satisfaction", "satisfaction_on", "due_on", "outcome")
    assert [getattr(online, f) for f in fields] == [getattr(paper, f) for f in fields]
    assert online.status == status
    assert online.satisfaction_on == timezone.localdate()
    for s in (online, paper):
        event = s.events.get(action=Event.Action.FEEDBACK)
        assert (event.from_status, event.to_status) == (Status.REPLIED, status)
    rework = Notification.objects.filter(kind=NoticeKind.REWORK)
    if status == Status.REWORK:
        # The lead department and the supervisor hear of both.
        for s in (online, paper):
            assert rework.filter(suggestion=s, recipient=journey.lead_handler).exists()
            assert rework.filter(suggestion=s, recipient=supervisor).exists()
    else:
        assert not rework.exists()

    # The past does not move; today both count alike.
    assert figures(EARLIER) == earlier
    today = figures(timezone.localdate())
    assert today[0].rated == 2
    assert {
        Satisfaction.SATISFIED: today[0].satisfied,
        Satisfaction.BASICALLY_SATISFIED: today[0].basically_satisfied,
        Satisfaction.UNSATISFIED: today[0].unsatisfied,
    }[satisfaction] == 2


def test_only_the_lead_deputy_rates_through_the_feedback_service(journey):
    lead = DeputyFactory(name="领衔")
    cosigner = DeputyFactory(name="联名")
    s = journey.to(Status.REPLIED, SuggestionFactory(lead_deputy=lead))
    s.co_signers.add(cosigner)
    with pytest.raises(Exception, match="只有领衔代表"):
        services.feedback_record(
            suggestion=s,
            actor=deputy_user(cosigner, username="daibiao2"),
            satisfaction=Satisfaction.SATISFIED,
        )
    with pytest.raises(Exception, match="反馈日期"):
        services.feedback_record(
            suggestion=s,
            actor=deputy_user(lead, username="daibiao1"),
            satisfaction=Satisfaction.SATISFIED,
            received_on=dt.date(2024, 3, 5),
        )
    assert Suggestion.objects.get(pk=s.pk).status == Status.REPLIED
