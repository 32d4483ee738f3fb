"""Who reaches what: /public/ opens to anyone (and is rate-limited), every other page still
asks for a login, and only the office decides what is public."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from publication.models import Disclosure
from security.models import AuditEvent
from tests.factories import UserFactory
from tests.project.test_headers import every_url

LIST = reverse("public:list")
OFFICE_LIST = reverse("public:office_list")
BULK = reverse("public:office_bulk_publish")
# Pages that open without a login, besides /public/ (the login page, the language switch,
# the calendar feed read by calendar apps with its own secret token, the health check).
# session, user, the user's role groups, the count, the bell's unread count, the 我的待办
# count, the page's replies with their item, department and decision.
OFFICE_LIST_QUERIES = 7
OPEN = {
    "/accounts/login/",
    "/i18n/setlang/",
    "/calendar/x.ics",
    "/accounts/keepalive/",
    "/healthz",
}


def decide_url(reply) -> str:
    return reverse("public:office_decide", args=[reply.pk])


# ---------------------------------------------------------------------------------------
# The gate


def test_anonymous_reads_public_pages_and_nothing_else(client, replies):
    d = replies.published()
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("public:detail", args=[d.public_id])).status_code == 200
    let_through = []
    for url in every_url(d.reply.suggestion.pk):
        if url.startswith("/public/") or url in OPEN:
            continue
        response = client.get(url)
        if response.status_code == 200:
            let_through.append(url)
        if response.status_code in (301, 302):
            login = "/admin/login/" if url.startswith("/admin/") else "/accounts/login/"
            assert response["Location"].startswith(login), url
    assert let_through == []


def test_office_pages_require_login(client, replies):
    reply = replies.make()
    for url in (OFFICE_LIST, decide_url(reply)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(BULK, {"reply": [reply.pk]})
    assert response.status_code == 302
    assert not Disclosure.objects.exists()


def test_a_login_waiting_for_its_second_factor_still_reads_public_pages(
    client, office, replies, settings
):
    settings.MFA_REQUIRED = True
    d = replies.published()
    client.force_login(office)
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("public:detail", args=[d.public_id])).status_code == 200
    response = client.get(OFFICE_LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")


# ---------------------------------------------------------------------------------------
# The rate limit


def test_too_many_requests_from_one_address_get_429(client, replies, settings):
    settings.PUBLIC_RATE_LIMIT = 3
    d = replies.published()
    urls = [LIST, reverse("public:detail", args=[d.public_id]), LIST]
    for url in urls:
        assert client.get(url, REMOTE_ADDR="203.0.113.5").status_code == 200
    refused = client.get(LIST, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert "访问过于频繁" in refused.content.decode()
    # The window opened with the address's first request; it ends within a window's length.
    assert 0 < int(refused["Retry-After"]) <= settings.PUBLIC_RATE_WINDOW_SECONDS
    # A forged X-Forwarded-For does not reset the count (no trusted proxy configured).
    forged = client.get(LIST, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert forged.status_code == 429
    # Another address has its own allowance.
    assert client.get(LIST, REMOTE_ADDR="203.0.113.6").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, replies, settings):
    settings.PUBLIC_RATE_LIMIT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.get(LIST, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 200
    assert client.get(LIST, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 429
    assert client.get(LIST, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200


def test_the_count_lives_in_the_database(client, replies, settings):
    from django.core.cache import caches

    from security.models import RateCount

    settings.PUBLIC_RATE_LIMIT = 2
    client.get(LIST, REMOTE_ADDR="203.0.113.7")
    # Another process sees the same count: clearing this process's cache changes nothing,
    # the count is a row in the database.
    caches["default"].clear()
    client.get(LIST, REMOTE_ADDR="203.0.113.7")
    assert client.get(LIST, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert RateCount.objects.get(key="public-rate:203.0.113.7").hits == 3
    RateCount.objects.all().delete()
    assert client.get(LIST, REMOTE_ADDR="203.0.113.7").status_code == 200


# ---------------------------------------------------------------------------------------
# The office's pages


@pytest.mark.parametrize("who", ["supervisor", "lead_handler", "secadmin"])
def test_only_the_office_reaches_the_decision_pages(client, request, replies, who):
    from departments.models import Role

    user = (
        UserFactory(username=who, role=Role(who))
        if who == "secadmin"
        else (request.getfixturevalue(who))
    )
    reply = replies.make()
    client.force_login(user)
    assert client.get(OFFICE_LIST).status_code == 403
    assert client.get(decide_url(reply)).status_code == 403
    post = {"decision": "public", "reason": "", "note": "", "version": 0}
    assert client.post(decide_url(reply), post).status_code == 403
    assert client.post(BULK, {"reply": [reply.pk]}).status_code == 403
    assert not Disclosure.objects.exists()
    # The item's page offers no 公开设置 to anyone but the office.
    if who != "secadmin":
        page = client.get(reply.suggestion.get_absolute_url())
        assert decide_url(reply) not in page.content.decode()


def test_office_decides_from_the_item_page(client, office, replies):
    reply = replies.make()
    client.force_login(office)
    page = client.get(reply.suggestion.get_absolute_url()).content.decode()
    assert decide_url(reply) in page
    form = client.get(decide_url(reply))
    assert form.status_code == 200 and "未设置" in form.content.decode()
    response = client.post(
        decide_url(reply), {"decision": "public", "reason": "", "note": "", "version": 0}
    )
    assert response.status_code == 302
    assert response["Location"] == reply.suggestion.get_absolute_url()
    disclosure = Disclosure.objects.get(reply=reply)
    assert disclosure.is_public and disclosure.decided_by == office
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PUBLICATION)
    assert event.user == office and event.outcome == AuditEvent.Outcome.SUCCESS
    # The form now shows the decision and its history.
    again = client.get(decide_url(reply)).content.decode()
    assert "变更记录" in again and "查看公开页面" in again


def test_a_refused_decision_keeps_what_was_typed(client, office, replies):
    reply = replies.make()
    client.force_login(office)
    post = {"decision": "not_public", "reason": "other", "note": "  ", "version": 0}
    response = client.post(decide_url(reply), post)
    assert response.status_code == 200
    assert "须填写说明" in response.content.decode()
    html = response.content.decode()
    assert re.search(r'value="not_public"[^>]*checked', html)
    assert '<option value="other" selected>' in html
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PUBLICATION, outcome=AuditEvent.Outcome.REFUSED
    ).exists()
    # A stale version is refused with the conflict message, and nothing changes.
    replies.publish(reply)
    stale = {"decision": "not_public", "reason": "privacy", "note": "个人信息。", "version": 0}
    response = client.post(decide_url(reply), stale)
    assert "您的修改未保存" in response.content.decode()
    assert "个人信息。" in response.content.decode()
    assert Disclosure.objects.get().is_public


@pytest.mark.parametrize("version", ["", "x", "-1"])
def test_bad_form_values_are_explained(client, office, replies, version):
    reply = replies.make()
    client.force_login(office)
    response = client.post(decide_url(reply), {"decision": "public", "version": version})
    assert response.status_code == 200
    assert not Disclosure.objects.exists()


def test_an_unknown_reply_is_404(client, office):
    client.force_login(office)
    assert client.get("/disclosure/reply/999999/").status_code == 404


def test_bulk_publish_from_the_list(client, office, replies):
    chosen = [replies.make(), replies.make()]
    left = replies.make()
    client.force_login(office)
    response = client.post(BULK, {"reply": [r.pk for r in chosen] + ["x"]}, follow=True)
    assert "已将2条答复设为公开" in response.content.decode()
    assert sorted(Disclosure.objects.values_list("reply_id", flat=True)) == sorted(
        r.pk for r in chosen
    )
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PUBLICATION).count() == 2
    empty = client.post(BULK, {}, follow=True)
    assert "请先勾选要公开的答复" in empty.content.decode()
    assert not Disclosure.objects.filter(reply=left).exists()


@pytest.mark.parametrize("params", [{"year": "x"}, {"state": "zzz"}, {"page": "9999"}])
def test_office_list_filters_never_500(client, office, replies, params):
    replies.make()
    client.force_login(office)
    assert client.get(OFFICE_LIST, params).status_code == 200


def test_office_list_filters(client, office, replies):
    published = replies.published().reply
    withheld = replies.withhold(replies.make()).reply
    undecided = replies.make()
    old = replies.make(year=2023)
    client.force_login(office)

    def rows(**params):
        return sorted(r.pk for r in client.get(OFFICE_LIST, params).context["page_obj"])

    assert rows(state="public") == [published.pk]
    assert rows(state="not_public") == [withheld.pk]
    assert rows(state="none") == sorted([undecided.pk, old.pk])
    assert rows(year=2023) == [old.pk]


@pytest.mark.parametrize("n", [1, 50])
def test_office_list_runs_a_fixed_number_of_queries(
    client, office, replies, n, django_assert_num_queries
):
    for i in range(n):
        reply = replies.make()
        if i % 2 == 0:
            replies.publish(reply)
    client.force_login(office)
    with django_assert_num_queries(OFFICE_LIST_QUERIES):
        assert client.get(OFFICE_LIST).status_code == 200
