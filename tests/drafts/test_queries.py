"""The drafting lists run a fixed number of queries, for 1 row or 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drafts import services
from tests.factories import DeputyFactory
from tests.factories import deputy_user

pytestmark = pytest.mark.django_db


def queries(client, url, **params) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def many_drafts(cast, n):
    """n drafts led by the lead, each inviting wang; n invitations to the lead."""
    for i in range(n):
        draft = cast.draft(title=f"建议{i}")
        cast.invite(draft, cast.wang)
        other = deputy_user(DeputyFactory(name=f"同事{i}"))
        theirs = services.draft_create(
            actor=other, title=f"同事建议{i}", source="recess", content="内容"
        )
        services.invitations_send(
            draft=theirs, actor=other, expected_version=theirs.version, deputies=[cast.lead_deputy]
        )


def submitted(cast, n):
    for i in range(n):
        draft = cast.draft(title=f"已提交{i}", source="recess", session=None)
        services.draft_submit(draft=draft, actor=cast.lead, expected_version=draft.version)


@pytest.mark.parametrize("n", [1, 50])
def test_the_deputys_drafting_page_costs_the_same_for_1_and_50(client, cast, n, settings):
    many_drafts(cast, n)
    client.force_login(cast.lead)
    sql = queries(client, reverse("drafts:home"))
    # request (5: session, user, groups, the linked deputy, the bell) + the drafts with
    # their counts + the invitations with their drafts
    assert len(sql) == 7, sql


@pytest.mark.parametrize("n", [1, 50])
def test_the_office_queue_costs_the_same_for_1_and_50(client, cast, n):
    submitted(cast, n)
    client.force_login(cast.office)
    first = queries(client, reverse("drafts:review"))
    decided = queries(client, reverse("drafts:review"), show="decided")
    # request (5: session, user, groups, the bell, the to-do count) + the drafts with
    # their counts + the sessions' deadlines
    assert (len(first), len(decided)) == (7, 7), first


@pytest.mark.parametrize("n", [1, 50])
def test_the_picker_costs_the_same_for_1_and_50_deputies(client, cast, n, monkeypatch):
    from django.utils import timezone

    from tests.drafts.conftest import BEFORE

    monkeypatch.setattr(timezone, "now", lambda: BEFORE)
    for i in range(n):
        deputy_user(DeputyFactory(name=f"代表甲{i}"))
    draft = cast.draft()
    client.force_login(cast.lead)
    sql = queries(client, reverse("drafts:invite", args=[draft.pk]), q="代表甲")
    # request (5: session, user, groups, the linked deputy, the bell) + the draft through
    # the gate with its invitations (none yet), its events and their actors (4) + the
    # rule's invitations and deadline (2) + the deputies found (1; the form's own
    # choices are not listed)
    assert len(sql) == 12, sql
