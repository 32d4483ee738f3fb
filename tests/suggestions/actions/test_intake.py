"""Intake through the HTML pages — 登记 (the register page), 修改 (the edit form): each
succeeds, keeps what the item holds, refuses bad input beside the field, and a stale edit is
refused naming who changed the item.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from suggestions import services
from suggestions.models import Event
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.factories import DeputyFactory
from tests.factories import office_user
from tests.suggestions.actions.helpers import REQUIRED
from tests.suggestions.actions.helpers import action_url
from tests.suggestions.actions.helpers import browser_data
from tests.suggestions.actions.helpers import detail_url
from tests.suggestions.actions.helpers import field_error
from tests.suggestions.actions.helpers import fresh
from tests.suggestions.actions.helpers import hidden_version
from tests.suggestions.actions.helpers import submit

# ---------------------------------------------------------------------------------------
# Register


def register_data(deputy, **overrides):
    return {
        "kind": "suggestion",
        "source": "recess",
        "title": "关于增设公交站点的建议",
        "content": "建议在某路口增设公交站点。",
        "topic": "transport",
        "lead_deputy": deputy.pk,
        "received_on": "2024-01-15",
        **overrides,
    }


def test_register(client, office, db):
    deputy = DeputyFactory()
    client.force_login(office)
    response = client.post(reverse("suggestions:create"), register_data(deputy), follow=True)
    s = Suggestion.objects.get()
    assert response.redirect_chain == [(detail_url(s), 302)]
    assert "已登记2024建001。" in response.content.decode()
    assert (s.status, s.created_by, s.title) == (Status.DRAFT, office, "关于增设公交站点的建议")


def test_register_without_title_keeps_what_was_typed(client, office, db):
    deputy = DeputyFactory()
    client.force_login(office)
    response = client.post(
        reverse("suggestions:create"), register_data(deputy, title="  ", number="7")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "title").endswith(REQUIRED)
    assert "建议在某路口增设公交站点。" in page
    assert 'value="7"' in page
    assert 'value="2024-01-15"' in page
    assert not Suggestion.objects.exists()


def test_register_session_item_without_session_is_refused_beside_the_field(client, office, db):
    deputy = DeputyFactory()
    client.force_login(office)
    response = client.post(reverse("suggestions:create"), register_data(deputy, source="session"))
    assert response.status_code == 200
    page = response.content.decode()
    assert field_error(page, "session") == "大会期间提出的建议须选择所属会议。"
    assert 'value="关于增设公交站点的建议"' in page
    assert not Suggestion.objects.exists()


# ---------------------------------------------------------------------------------------
# Edit


def test_update(client, office, stages):
    s = stages.draft()
    cosigner = DeputyFactory()
    after = submit(
        client,
        office,
        s,
        "update",
        {
            "kind": "suggestion",
            "source": "session",
            "session": s.session_id,
            "year": "",
            "number": "",
            "title": "关于增设社区食堂的建议",
            "content": "新的内容。",
            "topic": "elderly",
            "lead_deputy": s.lead_deputy_id,
            "co_signers": [cosigner.pk],
            "received_on": "2024-01-16",
        },
        "已保存修改。",
    )
    assert after.title == "关于增设社区食堂的建议"
    assert after.topic == "elderly"
    assert after.received_on == dt.date(2024, 1, 16)
    assert list(after.co_signers.all()) == [cosigner]
    assert (after.year, after.number, after.status) == (s.year, s.number, Status.DRAFT)


def test_update_form_is_filled_with_the_current_values(client, office, stages):
    s = stages.draft()
    client.force_login(office)
    page = client.get(action_url(s, "update")).content.decode()
    assert f'value="{s.title}"' in page
    assert 'value="2024-01-15"' in page


def test_update_form_submitted_unchanged_but_the_title_keeps_everything_else(
    client, office, stages
):
    s = stages.in_progress()
    cosigners = DeputyFactory.create_batch(2)
    s.co_signers.set(cosigners)
    client.force_login(office)
    data = browser_data(client.get(action_url(s, "update")).content.decode())
    assert data["version"] == [str(s.version)]
    data["title"] = ["关于改善停车条件的建议（修订）"]
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 302, field_error(response.content.decode(), "lead_deputy")
    after = fresh(s)
    assert after.title == "关于改善停车条件的建议（修订）"
    assert (after.lead_deputy_id, after.received_on, after.year, after.number) == (
        s.lead_deputy_id,
        s.received_on,
        s.year,
        s.number,
    )
    assert set(after.co_signers.all()) == set(cosigners)
    assert Event.objects.filter(suggestion=s).latest("id").note == "修改了：标题"


def test_an_item_whose_lead_deputy_left_office_can_still_be_edited(client, office, stages):
    """Deputies leave office (在任 = False) while their items live on. Fixing a typo in the
    title must not require replacing the lead deputy."""
    s = stages.in_progress()
    s.lead_deputy.is_active = False
    s.lead_deputy.save()
    client.force_login(office)
    data = browser_data(client.get(action_url(s, "update")).content.decode())
    data["title"] = ["关于改善停车条件的建议（修订）"]
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 302, field_error(response.content.decode(), "lead_deputy")
    after = fresh(s)
    assert after.title == "关于改善停车条件的建议（修订）"
    assert after.lead_deputy_id == s.lead_deputy_id


def test_editing_keeps_a_co_signer_who_left_office(client, office, stages):
    """Submitting the edit form unchanged (but the title) must not drop a co-signer who is
    no longer in office from the item."""
    s = stages.in_progress()
    stays, left = DeputyFactory.create_batch(2)
    s.co_signers.set([stays, left])
    left.is_active = False
    left.save()
    client.force_login(office)
    data = browser_data(client.get(action_url(s, "update")).content.decode())
    data["title"] = ["关于改善停车条件的建议（修订）"]
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 302
    assert set(fresh(s).co_signers.all()) == {stays, left}


# ---------------------------------------------------------------------------------------
# Stale version: the second writer is told who changed the item; nothing of theirs is saved


@pytest.fixture
def office2(db):
    return office_user(username="office2", last_name="王", first_name="芳")


def test_stale_edit_is_refused_naming_who_changed_it(client, office, office2, stages):
    s = stages.draft()
    seen = s.version
    services.suggestion_update(
        suggestion=s, actor=office2, expected_version=seen, title="王芳改过的标题"
    )
    client.force_login(office)
    data = {
        "version": seen,
        "kind": "suggestion",
        "source": "session",
        "session": s.session_id,
        "title": "我改的标题",
        "content": "我写的内容。",
        "topic": "transport",
        "lead_deputy": s.lead_deputy_id,
        "received_on": "2024-01-15",
    }
    response = client.post(action_url(s, "update"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "该建议已被王芳于" in page
    assert "您的修改未保存" in page
    assert 'value="我改的标题"' in page
    assert "我写的内容。" in page
    after = fresh(s)
    assert (after.title, after.version) == ("王芳改过的标题", seen + 1)
    # The form now carries the current version: a deliberate second submit goes through.
    assert hidden_version(page) == seen + 1
    again = client.post(action_url(s, "update"), {**data, "version": seen + 1})
    assert again.status_code == 302
    assert fresh(s).title == "我改的标题"


def test_saving_again_after_a_conflict_does_not_undo_the_other_edit(
    client, office, office2, stages
):
    """王芳 renames the item while 我 (office1) edit its content on the old form. After the
    conflict the form carries the current version; submitting it again, as the browser
    holds it, must save my content without putting the old title back."""
    s = stages.draft()
    old_title = s.title
    client.force_login(office)
    form = browser_data(client.get(action_url(s, "update")).content.decode())
    services.suggestion_update(
        suggestion=s, actor=office2, expected_version=s.version, title="王芳改过的标题"
    )
    form["content"] = ["我补充的内容。"]
    conflict = client.post(action_url(s, "update"), form)
    assert conflict.status_code == 200
    assert "该建议已被王芳于" in conflict.content.decode()

    again = browser_data(conflict.content.decode())
    assert again["content"] == ["我补充的内容。"]
    response = client.post(action_url(s, "update"), again)
    assert response.status_code == 302
    after = fresh(s)
    assert after.content == "我补充的内容。"
    assert after.title == "王芳改过的标题", f"the other edit was undone (title {old_title!r})"
