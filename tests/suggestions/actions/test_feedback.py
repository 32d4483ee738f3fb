"""Feedback through the HTML forms — 代表反馈 (满意 closes, 不满意 opens a second round in the
lead's workspace) and 办结 without a rating.
"""

from __future__ import annotations

from django.urls import reverse

from suggestions.deadlines import add_months
from suggestions.models import Feedback
from suggestions.models import Satisfaction
from suggestions.models import Status
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import field_error
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import iso
from tests.suggestions.actions.helpers import radio_checked
from tests.suggestions.actions.helpers import submit
from tests.suggestions.actions.helpers import today


def test_feedback_satisfied_closes(client, office, stages):
    s = stages.replied()
    after = submit(
        client,
        office,
        s,
        "feedback",
        {"satisfaction": "satisfied", "received_on": iso(today()), "comment": ""},
        "已登记代表意见。",
    )
    assert (after.status, after.satisfaction) == (Status.CLOSED, Satisfaction.SATISFIED)


def test_feedback_unsatisfied_opens_rework_in_the_lead_workspace(
    client, office, lead_handler, stages
):
    s = stages.replied()
    after = submit(
        client,
        office,
        s,
        "feedback",
        {"satisfaction": "unsatisfied", "received_on": iso(today()), "comment": "进度太慢。"},
        "已登记代表意见。",
    )
    assert after.status == Status.REWORK
    assert after.due_on == add_months(today(), 1)
    assert Feedback.objects.get(suggestion=s).comment == "进度太慢。"

    client.force_login(lead_handler)
    response = client.get(reverse("suggestions:workspace"))
    sections = {key: items for key, _, items in response.context["sections"]}
    assert [x.pk for x in sections["rework"]] == [s.pk]
    page = response.content.decode()
    rework = page[page.index('id="section-rework"') :]
    rework = rework[: rework.index("</section>")]
    assert s.code in rework
    assert after.due_on.isoformat() in rework
    # The lead may now reply again.
    assert client.get(action_url(s, "reply")).status_code == 200


def test_unsatisfied_feedback_without_comment(client, office, stages):
    s = stages.replied()
    client.force_login(office)
    response = client.post(
        action_url(s, "feedback"),
        {
            "version": s.version,
            "satisfaction": "unsatisfied",
            "received_on": iso(today()),
            "comment": "  ",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "请记录代表的具体意见" in field_error(page, "comment")
    assert radio_checked(page, "satisfaction", "unsatisfied")
    after = fresh(s)
    assert (after.status, after.version) == (Status.REPLIED, s.version)
    assert not Feedback.objects.exists()


def test_close(client, office, stages):
    s = stages.replied()
    after = submit(
        client, office, s, "close", {"reason": "no_feedback", "note": "代表未反馈。"}, "已办结。"
    )
    assert after.status == Status.CLOSED
