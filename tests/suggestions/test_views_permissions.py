"""Who may open which page: every URL of the suggestions app, for every role.

The expected tables below are written by hand from the rules in DESIGN / services.py; they
are data, not computed from the code under test. The items are built "today" through the
services (no `when=`), so that the return window (5 working days after assignment) is open.

Stages:
    draft        registered, not assigned (handlers do not see it)
    in_progress  assigned to 区房管局 (lead) + 区建设管理委 (co); the lead signed for it, the co
                 department has neither signed nor sent its opinion
    replied      as in_progress, plus the co opinion and the lead's reply (with a PDF letter)
    pending      as in_progress, plus a pending return request and a pending extension request
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from suggestions import services
from suggestions import views
from suggestions.models import Outcome
from suggestions.models import Reply
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.conftest import PDF
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.permission_table import ALL_ACTIONS
from tests.permission_table import ALLOWED
from tests.permission_table import STAGES
from tests.permission_table import SUPERVISOR_REASONS

ROLES = ["anonymous", "office", "supervisor", "lead", "co", "other"]


# A few refusals of other roles, word for word: (stage, role, action) -> reason.
OTHER_REASONS = {
    ("in_progress", "office", "assign"): "该建议当前状态为“办理中”，不能交办（仅限“待交办”状态）。",
    ("in_progress", "office", "feedback"): "该建议当前状态为“办理中”，不能登记代表反馈",
    ("in_progress", "office", "return_decide"): "没有待审批的退办申请。",
    ("in_progress", "office", "extension_decide"): "没有待审批的延期申请。",
    ("in_progress", "lead", "reply"): "会办单位区建设管理委尚未提交会办意见",
    ("in_progress", "lead", "acknowledge"): "无需重复签收。",
    ("in_progress", "lead", "co_opinion"): "您所在单位不是该建议的会办单位，不能提交会办意见。",
    ("in_progress", "lead", "update"): "只有区政府办公室工作人员可以修改建议。",
    ("in_progress", "co", "reply"): "您所在单位不是该建议的主办单位，不能答复代表。",
    ("in_progress", "co", "return_request"): "您所在单位不是该建议的主办单位，不能申请退办。",
    ("in_progress", "co", "key_supervision"): "只有区政府办公室或督查室可以设置重点督办。",
    ("draft", "office", "follow_up"): "建议尚未交办，不能登记跟踪记录。",
    ("draft", "office", "key_supervision"): "建议尚未交办，不能设为重点督办。",
    ("draft", "supervisor", "follow_up"): "建议尚未交办，不能登记跟踪记录。",
    ("replied", "lead", "reply"): "该建议当前状态为“已答复”，不能答复代表",
    ("replied", "co", "co_opinion"): "该建议当前状态为“已答复”，不能提交会办意见",
    ("replied", "office", "reassign"): "该建议当前状态为“已答复”，不能重新交办",
    ("pending", "lead", "return_request"): "已有一份退办申请正在审批，请等待区政府办公室处理。",
    ("pending", "lead", "extension_request"): "已有一份延期申请正在审批，请等待区政府办公室处理。",
}


@pytest.fixture
def users(office, supervisor, lead_handler, co_handler, other_handler):
    return {
        "anonymous": None,
        "office": office,
        "supervisor": supervisor,
        "lead": lead_handler,
        "co": co_handler,
        "other": other_handler,
    }


def login(client: Client, user) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def action_url(pk: int, name: str) -> str:
    return reverse("suggestions:action", args=[pk, name])


def login_redirect(path: str) -> str:
    return f"/accounts/login/?next={quote(path, safe='/')}"


def sees(stage: str, role: str) -> bool:
    return role in ALLOWED[stage]


def test_the_matrix_covers_every_action_of_the_view():
    assert set(ALL_ACTIONS) == set(views.ACTIONS) == set(services.ACTION_CHECKS)


# ---------------------------------------------------------------------------------------
# Anonymous


def test_anonymous_is_sent_to_login_from_every_url(client, stages):
    s = stages.replied()
    reply = Reply.objects.get(suggestion=s)
    urls = [
        reverse("suggestions:home"),
        reverse("suggestions:workspace"),
        reverse("suggestions:list"),
        reverse("suggestions:create"),
        reverse("suggestions:bulk_assign"),
        reverse("suggestions:bulk_assign_form"),
        reverse("suggestions:detail", args=[s.pk]),
        reverse("suggestions:reply_letter", args=[s.pk, reply.pk]),
        reverse("suggestions:reply_letter_preview", args=[s.pk, reply.pk]),
        *(action_url(s.pk, name) for name in ALL_ACTIONS),
    ]
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"] == login_redirect(url), (method, url)
    s.refresh_from_db()
    assert s.status == Status.REPLIED


def test_anonymous_login_redirect_keeps_the_query_string(client, db):
    response = client.get(reverse("suggestions:list"), {"status": "draft", "year": "2024"})
    assert response.status_code == 302
    assert (
        response["Location"] == "/accounts/login/?next=/suggestions/%3Fstatus%3Ddraft%26year%3D2024"
    )


# ---------------------------------------------------------------------------------------
# Pages without an item


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("name", ["home", "workspace", "list"])
def test_every_role_opens_the_pages_without_an_item(client, users, role, name):
    response = login(client, users[role]).get(reverse(f"suggestions:{name}"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES[1:])
def test_only_the_office_may_open_the_register_form(client, users, role):
    response = login(client, users[role]).get(reverse("suggestions:create"))
    if role == "office":
        assert response.status_code == 200
        assert "登记建议" in response.content.decode()
    else:
        assert response.status_code == 403
        assert "只有区政府办公室工作人员可以登记建议。" in response.content.decode()


@pytest.mark.parametrize("role", ["supervisor", "lead", "co", "other"])
def test_only_the_office_may_register_by_post(client, users, role):
    deputy = DeputyFactory()
    before = Suggestion.objects.count()
    response = login(client, users[role]).post(
        reverse("suggestions:create"),
        {
            "kind": "suggestion",
            "source": "recess",
            "title": "关于增设公交站点的建议",
            "topic": "transport",
            "lead_deputy": deputy.pk,
            "received_on": "2024-01-15",
        },
    )
    assert response.status_code == 403
    assert "只有区政府办公室工作人员可以登记建议。" in response.content.decode()
    assert Suggestion.objects.count() == before


@pytest.mark.parametrize("role", ["supervisor", "lead", "co", "other"])
def test_only_the_office_may_bulk_assign(client, users, role, lead_department):
    draft = SuggestionFactory()
    response = login(client, users[role]).post(
        reverse("suggestions:bulk_assign"),
        {"ids": [draft.pk], "lead": lead_department.pk, "assigned_on": "2024-02-01"},
    )
    assert response.status_code == 403
    assert "只有区政府办公室工作人员可以交办建议。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("role", ROLES[1:])
def test_only_the_office_may_open_the_bulk_assign_form(client, users, role):
    response = login(client, users[role]).get(reverse("suggestions:bulk_assign_form"))
    if role == "office":
        assert response.status_code == 200
        assert 'name="lead"' in response.content.decode()
    else:
        assert response.status_code == 403
        body = response.content.decode()
        assert "只有区政府办公室工作人员可以交办建议。" in body
        assert 'name="lead"' not in body and "<option" not in body
    assert client.post(reverse("suggestions:bulk_assign_form")).status_code == 405


@pytest.mark.parametrize("role", ROLES[1:])
def test_bulk_assign_accepts_only_post(client, users, role):
    response = login(client, users[role]).get(reverse("suggestions:bulk_assign"))
    assert response.status_code == 405


# ---------------------------------------------------------------------------------------
# Detail and actions: the whole matrix


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("stage", STAGES)
def test_detail_and_every_action_by_get(client, users, stages, stage, role):
    s = stages.build(stage)
    login(client, users[role])
    detail = client.get(reverse("suggestions:detail", args=[s.pk]))
    assert detail.status_code == (200 if sees(stage, role) else 404)

    got, reasons = {}, {}
    for name in ALL_ACTIONS:
        response = client.get(action_url(s.pk, name))
        got[name] = response.status_code
        if response.status_code == 403:
            page = response.content.decode()
            reason = response.context["reason"]
            assert reason, name
            assert reason in page, name
            assert f"不能{views.ACTIONS[name].label}" in page, name
            reasons[name] = reason
        if response.status_code == 404:
            assert "未找到您要访问的内容，或您无权查看。" in response.content.decode()
    if sees(stage, role):
        allowed = ALLOWED[stage][role]
        expected = {name: 200 if name in allowed else 403 for name in ALL_ACTIONS}
    else:
        expected = dict.fromkeys(ALL_ACTIONS, 404)
    assert got == expected

    if role == "supervisor" and stage == "in_progress":
        for name, reason in SUPERVISOR_REASONS.items():
            assert reasons[name] == reason, name
    for (at_stage, who, name), reason in OTHER_REASONS.items():
        if (at_stage, who) == (stage, role):
            assert reason in reasons[name], name

    # The detail page offers exactly the actions the user may open.
    if detail.status_code == 200:
        offered = {a.name for a in detail.context["actions"]}
        assert offered == ALLOWED[stage][role]
        page = detail.content.decode()
        for name in ALL_ACTIONS:
            assert (action_url(s.pk, name) in page) == (name in offered), name


@pytest.mark.parametrize("role", ["office", "supervisor", "lead", "co", "other"])
@pytest.mark.parametrize("stage", STAGES)
def test_a_refused_post_changes_nothing(client, users, stages, stage, role):
    s = stages.build(stage)
    login(client, users[role])
    refused = [
        name for name in ALL_ACTIONS if not sees(stage, role) or name not in ALLOWED[stage][role]
    ]
    expected = 403 if sees(stage, role) else 404
    if not sees(stage, role):
        assert client.post(reverse("suggestions:detail", args=[s.pk])).status_code == 404
    for name in refused:
        response = client.post(
            action_url(s.pk, name),
            {"version": s.version, "note": "x", "reason": "x", "opinion": "x", "text": "x"},
        )
        assert response.status_code == expected, name
    fresh = Suggestion.objects.get(pk=s.pk)
    assert (fresh.version, fresh.status) == (s.version, s.status)


def test_supervisor_is_refused_editing_with_the_reason(client, supervisor, stages):
    s = stages.in_progress()
    client.force_login(supervisor)
    response = client.get(action_url(s.pk, "update"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "不能修改" in page
    assert "只有区政府办公室工作人员可以修改建议。" in page


@pytest.mark.parametrize("role", ROLES[1:])
def test_an_unknown_action_is_404(client, users, stages, role):
    s = stages.in_progress()
    response = login(client, users[role]).get(action_url(s.pk, "delete"))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES[1:])
def test_a_missing_item_is_404(client, users, role):
    login(client, users[role])
    assert client.get(reverse("suggestions:detail", args=[999999])).status_code == 404
    assert client.get(action_url(999999, "follow_up")).status_code == 404


# ---------------------------------------------------------------------------------------
# The reply letter


@pytest.mark.parametrize(
    ("role", "expected"),
    [("office", 200), ("supervisor", 200), ("lead", 200), ("co", 200), ("other", 404)],
)
@pytest.mark.parametrize(
    ("view", "disposition"),
    [("reply_letter", "attachment"), ("reply_letter_preview", "inline")],
)
def test_reply_letter_by_role(client, users, stages, role, expected, view, disposition):
    s = stages.replied()
    reply = Reply.objects.get(suggestion=s)
    url = reverse(f"suggestions:{view}", args=[s.pk, reply.pk])
    login(client, users[role])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith(disposition)
    else:
        assert client.post(url).status_code == 404


def test_reply_letter_of_another_item_is_404(client, stages, other_handler, other_department):
    """区绿化市容局 holds item A; the letter of item B (held by 区房管局) must not be
    reachable through A's URL."""
    theirs = stages.replied()
    mine = services.suggestion_assign(
        suggestion=SuggestionFactory(), lead=other_department, actor=stages.office
    )
    reply = Reply.objects.get(suggestion=theirs)
    client.force_login(other_handler)
    assert client.get(reverse("suggestions:detail", args=[mine.pk])).status_code == 200
    url = reverse("suggestions:reply_letter", args=[mine.pk, reply.pk])
    assert client.get(url).status_code == 404


def test_reply_without_letter_is_404(client, stages, office, lead_handler, co_handler):
    s = stages.in_progress()
    services.co_opinion_submit(suggestion=s, actor=co_handler, opinion="同意。")
    reply = services.reply_submit(
        suggestion=s, actor=lead_handler, outcome=Outcome.RESOLVED, text="已解决。"
    )
    client.force_login(office)
    url = reverse("suggestions:reply_letter", args=[s.pk, reply.pk])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------
# CSRF: every POST checks the token


@pytest.fixture
def csrf_client(office):
    c = Client(enforce_csrf_checks=True)
    c.force_login(office)
    return c


def test_register_without_csrf_token_is_refused(csrf_client, db):
    deputy = DeputyFactory()
    response = csrf_client.post(
        reverse("suggestions:create"),
        {
            "kind": "suggestion",
            "source": "recess",
            "title": "关于增设公交站点的建议",
            "topic": "transport",
            "lead_deputy": deputy.pk,
            "received_on": "2024-01-15",
        },
    )
    assert response.status_code == 403
    assert "未通过安全校验（CSRF）" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_bulk_assign_without_csrf_token_is_refused(csrf_client, lead_department):
    drafts = SuggestionFactory.create_batch(2)
    response = csrf_client.post(
        reverse("suggestions:bulk_assign"),
        {"ids": [d.pk for d in drafts], "lead": lead_department.pk, "assigned_on": "2024-02-01"},
    )
    assert response.status_code == 403
    assert "未通过安全校验（CSRF）" in response.content.decode()
    assert set(Suggestion.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_action_without_csrf_token_is_refused(csrf_client, stages):
    s = stages.in_progress()
    response = csrf_client.post(
        action_url(s.pk, "key_supervision"), {"version": s.version, "key_supervision": "true"}
    )
    assert response.status_code == 403
    assert "未通过安全校验（CSRF）" in response.content.decode()
    fresh = Suggestion.objects.get(pk=s.pk)
    assert fresh.key_supervision is False
    assert fresh.version == s.version


def test_action_with_the_csrf_token_goes_through(csrf_client, stages):
    """The control case: the same client succeeds once it sends the token of the form."""
    s = stages.in_progress()
    url = action_url(s.pk, "key_supervision")
    form = csrf_client.get(url)
    token = form.cookies["csrftoken"].value
    response = csrf_client.post(
        url,
        {"version": s.version, "key_supervision": "true", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=s.pk).key_supervision is True


# ---------------------------------------------------------------------------------------
# The Django admin


@pytest.mark.parametrize("role", ["office", "supervisor", "lead"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/suggestions/suggestion/"])
def test_a_non_staff_user_is_sent_to_the_admin_login(client, users, role, path):
    client.force_login(users[role])
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={quote(path, safe='/')}"


def test_anonymous_is_sent_to_a_login_from_the_admin(client, db):
    response = client.get("/admin/suggestions/suggestion/")
    assert response.status_code == 302
    assert "login/?next=/admin/suggestions/suggestion/" in response["Location"]
