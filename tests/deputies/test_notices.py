"""已答复，待评价 reaches the deputies' own accounts (lead and co-signers), as well as the
office (DESIGN §9); opening it leads a deputy to its portal."""

from __future__ import annotations

from django.urls import reverse

from notices.models import Kind
from notices.models import NoticePreference
from notices.models import Notification
from suggestions import services
from suggestions.models import Outcome
from suggestions.models import Suggestion
from tests.factories import DeputyFactory
from tests.factories import UserFactory
from tests.factories import deputy_user


def test_the_reply_notice_reaches_the_deputies_accounts(client, stages, office):
    lead = DeputyFactory(name="李代表")
    cosigner = DeputyFactory(name="周代表")
    without_account = DeputyFactory(name="吴代表")
    lead_user = deputy_user(lead, username="daibiao1", email="li@example.cn")
    NoticePreference.objects.create(user=lead_user, by_email=True)
    cosigner_user = deputy_user(cosigner, username="daibiao2")
    stranger = deputy_user(DeputyFactory(name="无关代表"), username="daibiao3")
    # An account linked to a deputy but stripped of the role hears nothing.
    unrolled = UserFactory(username="norole")
    without_account.user = unrolled
    without_account.save()
    s = stages.ready(lead_deputy=lead)
    s.co_signers.add(cosigner, without_account)
    s = _reply(stages, s)

    replied = Notification.objects.filter(suggestion=s, kind=Kind.REPLIED)
    assert set(replied.values_list("recipient__username", flat=True)) == {
        office.username,
        "daibiao1",
        "daibiao2",
    }
    mine = replied.get(recipient=lead_user)
    assert "请登录代表服务查看答复并评价" in mine.text
    assert list(mine.deliveries.values_list("channel", "address")) == [("email", "li@example.cn")]
    assert not replied.filter(recipient__in=[stranger, unrolled]).exists()

    client.force_login(cosigner_user)
    response = client.get(reverse("notices:open", args=[replied.get(recipient=cosigner_user).pk]))
    assert response.url == reverse("deputies:detail", args=[s.pk])


def _reply(stages, s):
    services.reply_submit(
        suggestion=s, actor=stages.lead_handler, outcome=Outcome.RESOLVED, text="已解决。"
    )
    return Suggestion.objects.get(pk=s.pk)
