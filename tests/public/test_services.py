"""public.services: who may decide, what each decision needs, its history and version."""

import pytest
from django.core.exceptions import ValidationError

from publication import services
from publication.models import Disclosure
from suggestions.models import Status
from tests.factories import deputy_user

Decision = Disclosure.Decision
Reason = Disclosure.Reason


def test_office_publishes_and_the_history_keeps_every_change(replies, office):
    reply = replies.make()
    first = replies.publish(reply)
    assert first.is_public and first.version == 1 and first.decided_by == office
    published_at = first.first_published_at
    assert published_at is not None
    second = replies.withhold(reply, reason=Reason.OTHER, note="待核实。")
    assert second.pk == first.pk and second.version == 2
    assert second.decision == Decision.NOT_PUBLIC and second.note == "待核实。"
    third = replies.publish(reply, expected_version=2)
    assert third.first_published_at == published_at  # the first publication is kept
    history = list(third.history.order_by("history_date").values_list("decision", "history_user"))
    assert history == [
        (Decision.PUBLIC, office.pk),
        (Decision.NOT_PUBLIC, office.pk),
        (Decision.PUBLIC, office.pk),
    ]


@pytest.mark.parametrize("who", ["lead_handler", "supervisor", "deputy"])
def test_only_the_office_decides(request, replies, who):
    reply = replies.make()
    actor = (
        deputy_user(reply.suggestion.lead_deputy)
        if who == "deputy"
        else request.getfixturevalue(who)
    )
    with pytest.raises(ValidationError, match="只有区政府办公室"):
        services.disclosure_decide(reply=reply, decision=Decision.PUBLIC, actor=actor)
    with pytest.raises(ValidationError, match="只有区政府办公室"):
        services.disclosure_bulk_publish(replies=[reply], actor=actor)
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(
    ("decision", "reason", "note", "message"),
    [
        (Decision.NOT_PUBLIC, "", "", "须选择理由"),
        (Decision.NOT_PUBLIC, "secret", "", "须选择理由"),
        (Decision.NOT_PUBLIC, Reason.OTHER, "  ", "须填写说明"),
        (Decision.PUBLIC, Reason.PRIVACY, "", "不需要填写不公开理由"),
        ("maybe", "", "", "请选择"),
        (Decision.NOT_PUBLIC, Reason.OTHER, "说明\x00", "控制字符"),
    ],
)
def test_refused_decisions(replies, office, decision, reason, note, message):
    reply = replies.make()
    with pytest.raises(ValidationError, match=message):
        services.disclosure_decide(
            reply=reply, decision=decision, reason=reason, note=note, actor=office
        )
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("reason", Reason.values)
def test_every_reason_is_accepted(replies, reason):
    d = replies.withhold(replies.make(), reason=reason, note="说明。")
    assert d.reason == reason and not d.is_public


def test_a_voided_item_is_not_published(replies, office):
    reply = replies.make(status=Status.VOIDED)
    with pytest.raises(ValidationError, match="已作废"):
        replies.publish(reply)
    # Withholding it is still allowed.
    assert replies.withhold(reply).decision == Decision.NOT_PUBLIC


def test_a_stale_version_is_refused(replies, office):
    reply = replies.make()
    replies.publish(reply)
    with pytest.raises(ValidationError, match="已被") as refused:
        services.disclosure_decide(
            reply=reply,
            decision=Decision.NOT_PUBLIC,
            reason=Reason.PRIVACY,
            actor=office,
            expected_version=0,
        )
    assert refused.value.code == "conflict"
    assert Disclosure.objects.get().is_public


def test_bulk_publish_is_all_or_nothing(replies, office):
    good = replies.make()
    voided = replies.make(status=Status.VOIDED)
    with pytest.raises(ValidationError, match="已作废"):
        services.disclosure_bulk_publish(replies=[good, voided], actor=office)
    assert not Disclosure.objects.exists()
    done = services.disclosure_bulk_publish(replies=[good, replies.make()], actor=office)
    assert [d.is_public for d in done] == [True, True]


def test_the_searchable_text_is_masked(replies):
    from tests.public.conftest import EMAIL
    from tests.public.conftest import MOBILE
    from tests.public.conftest import SEEDED_TEXT

    d = replies.published(text=SEEDED_TEXT)
    assert MOBILE not in d.public_text and EMAIL not in d.public_text
    assert "［电话已隐去］" in d.public_text and "问题已经解决" in d.public_text
