"""A new item's 提出时间 and 所属会议 start as values the intake check passes: the office's
登记建议 offers this year's session opened by today, a deputy's 起草新建议 the session in
progress or next; with none, 闭会期间. An edit keeps the item's own values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from departments.models import CongressSession
from drafts.forms import DraftForm
from suggestions.forms import SuggestionEditForm
from suggestions.forms import SuggestionForm
from suggestions.models import Source
from suggestions.models import Suggestion
from tests.factories import CongressSessionFactory
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def session(name: str, starts_on: dt.date, days: int = 4) -> CongressSession:
    return CongressSessionFactory(
        name=name, year=starts_on.year, starts_on=starts_on, ends_on=starts_on + dt.timedelta(days)
    )


def offered(form) -> tuple[str, int | None]:
    return form.fields["source"].initial, form.fields["session"].initial


def test_the_office_is_offered_this_years_latest_session_opened_by_today():
    today = timezone.localdate()
    last_year = session("去年的会议", today.replace(year=today.year - 1, month=1, day=5))
    assert offered(SuggestionForm()) == (Source.RECESS, None)
    opened = session("今年已开幕的会议", today - dt.timedelta(days=10))
    session("还未开幕的会议", today + dt.timedelta(days=30))
    assert offered(SuggestionForm()) == (Source.SESSION, opened.pk)
    assert last_year.pk != opened.pk


def test_a_deputy_is_offered_the_session_in_progress_or_next():
    today = timezone.localdate()
    session("已闭幕的会议", today - dt.timedelta(days=60))
    assert offered(DraftForm()) == (Source.RECESS, None)
    upcoming = session("即将召开的会议", today + dt.timedelta(days=20))
    session("更晚的会议", today + dt.timedelta(days=400))
    assert offered(DraftForm()) == (Source.SESSION, upcoming.pk)


def test_the_office_registers_with_the_offered_values_unchanged(client, office):
    today = timezone.localdate()
    opened = session("今年已开幕的会议", today - dt.timedelta(days=3))
    page = client_get_create(client, office)
    assert f'<option value="{opened.pk}" selected>' in page
    assert 'value="session" checked' in page or '<option value="session" selected>' in page
    response = client.post(
        reverse("suggestions:create"),
        {
            "title": "关于增设停车点的建议",
            "kind": "suggestion",
            "source": Source.SESSION,
            "session": opened.pk,
            "topic": "other",
            "lead_deputy": DeputyFactory().pk,
            "received_on": today.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Suggestion.objects.get(title="关于增设停车点的建议").session == opened


def client_get_create(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("suggestions:create")).content.decode()


def test_an_edit_keeps_the_items_own_values():
    session("今年已开幕的会议", timezone.localdate() - dt.timedelta(days=3))
    edit = SuggestionEditForm(initial={"source": Source.RECESS, "session": None, "version": 1})
    assert (edit["source"].value(), edit["session"].value()) == (Source.RECESS, None)
