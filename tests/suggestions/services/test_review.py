"""Reply review (答复审核) and countersign (会签), DESIGN §11: each switch on and off, the
refusals word for word, the notices, and the reply date the reports count (the day sent)."""

from __future__ import annotations

import datetime as dt

import pytest

from notices.models import Kind
from notices.models import Notification
from reports.selectors import Scope
from reports.selectors import report_compute
from suggestions import services
from suggestions.models import Event
from suggestions.models import HandlingPolicy
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from suggestions.models import ReplyDraft
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.conftest import at
from tests.suggestions.services.helpers import IN_PROGRESS
from tests.suggestions.services.helpers import LATER
from tests.suggestions.services.helpers import assert_refused
from tests.suggestions.services.helpers import build
from tests.suggestions.services.helpers import reply_resolved

SENT_ON = dt.date(2024, 3, 25)


def switches(*, review=False, countersign=False):
    HandlingPolicy.objects.update_or_create(
        pk=1, defaults={"reply_review": review, "countersign": countersign}
    )


def draft(journey, s, *, day=LATER, outcome=Outcome.RESOLVED, **kwargs):
    return services.reply_draft_submit(
        suggestion=s,
        actor=journey.lead_handler,
        outcome=outcome,
        text="已完成道路修缮。",
        replied_on=day,
        when=at(day),
        **kwargs,
    )


def review(journey, s, day=SENT_ON, **kwargs):
    return services.reply_review(suggestion=s, actor=journey.office, when=at(day), **kwargs)


def notified(kind, user) -> list[str]:
    return list(
        Notification.objects.filter(kind=kind, recipient=user).values_list("text", flat=True)
    )


def ready(journey) -> Suggestion:
    """In progress, the co opinion in: the lead may reply."""
    return build(journey, IN_PROGRESS)[0]


# ---------------------------------------------------------------------------------------
# Both switches off: today's behaviour


def test_switches_are_off_by_default(db):
    policy = HandlingPolicy.current()
    assert (policy.reply_review, policy.countersign) == (False, False)


def test_with_both_off_the_lead_replies_directly_and_no_draft_is_taken(journey):
    s = ready(journey)
    assert_refused(lambda: draft(journey, s), s.pk, "本件建议无需会签或审核，请直接答复代表。")
    reply = reply_resolved(journey, s)
    assert reply.replied_on == LATER
    assert Suggestion.objects.get(pk=s.pk).status == Status.REPLIED


def test_with_both_off_there_is_nothing_to_review_or_countersign(journey):
    s = ready(journey)
    assert_refused(lambda: review(journey, s, decision="send"), s.pk, "没有待审核的答复稿。")
    assert_refused(
        lambda: services.reply_countersign(
            suggestion=s, actor=journey.co_handler, agree=True, when=at(LATER)
        ),
        s.pk,
        "没有待会签的答复稿。",
    )


# ---------------------------------------------------------------------------------------
# Reply review on


def test_review_on_refuses_the_direct_reply(journey):
    switches(review=True)
    s = ready(journey)
    assert_refused(
        lambda: reply_resolved(journey, s, LATER),
        s.pk,
        "本件建议的答复须经区政府办公室审核后送达代表，请提交答复稿。",
    )


def test_a_draft_goes_to_the_office_and_counts_for_nothing_yet(journey):
    switches(review=True)
    s = ready(journey)
    d = draft(journey, s)
    s.refresh_from_db()
    assert d.stage == ReplyDraft.Stage.REVIEW
    assert (s.status, s.first_replied_on, s.outcome) == (Status.IN_PROGRESS, None, "")
    assert not Reply.objects.filter(suggestion=s).exists()
    assert notified(Kind.REPLY_REVIEW, journey.office) == [
        f"{journey.lead_department}已提交{s.code}《{s.title}》的答复稿（已经解决），请审核。"
    ]
    assert s.events.order_by("-pk").first().action == Event.Action.REPLY_DRAFT
    # While it is under review the lead cannot send another.
    assert_refused(lambda: draft(journey, s), s.pk, "答复稿正在区政府办公室审核，请等待审核结果。")


def test_only_the_office_reviews(journey):
    switches(review=True)
    s = ready(journey)
    draft(journey, s)
    for actor in (journey.lead_handler, journey.co_handler):
        assert_refused(
            lambda actor=actor: services.reply_review(
                suggestion=s, actor=actor, decision="send", when=at(SENT_ON)
            ),
            s.pk,
            "只有区政府办公室工作人员可以审核答复。",
        )


def test_return_needs_a_reason_and_goes_back_to_the_lead(journey):
    switches(review=True)
    s = ready(journey)
    draft(journey, s)
    assert_refused(lambda: review(journey, s, decision="return"), s.pk, "请填写退回理由。")
    assert_refused(lambda: review(journey, s, decision="maybe"), s.pk, "请选择审核意见")
    returned = review(journey, s, decision="return", note="答复未说明资金来源。")
    assert returned.stage == ReplyDraft.Stage.RETURNED
    assert notified(Kind.REPLY_RETURNED, journey.lead_handler) == [
        f"{s.code}《{s.title}》的答复稿已被区政府办公室退回修改。理由：答复未说明资金来源。"
    ]
    event = s.events.order_by("-pk").first()
    assert (event.action, event.note) == (
        Event.Action.REPLY_RETURN,
        "答复稿退回修改：答复未说明资金来源。",
    )
    # The lead revises and sends again.
    again = draft(journey, s, day=SENT_ON)
    assert again.stage == ReplyDraft.Stage.REVIEW


def test_sending_records_the_reply_dated_the_day_sent(journey):
    switches(review=True)
    s = ready(journey)
    d = draft(journey, s, day=LATER)
    review(journey, s, decision="send", day=SENT_ON)
    s.refresh_from_db()
    d.refresh_from_db()
    reply = Reply.objects.get(suggestion=s)
    assert d.stage == ReplyDraft.Stage.SENT and d.reply == reply
    assert (reply.replied_on, reply.outcome, reply.text) == (SENT_ON, Outcome.RESOLVED, d.text)
    assert (s.status, s.first_replied_on, s.outcome) == (Status.REPLIED, SENT_ON, Outcome.RESOLVED)
    event = s.events.order_by("-pk").first()
    assert event.action == Event.Action.REPLY
    assert event.note.endswith("（经区政府办公室审核送达）")
    assert Notification.objects.filter(kind=Kind.REPLIED, suggestion=s).exists()


def test_reclassifying_needs_a_reason_a_new_outcome_and_its_promise(journey):
    switches(review=True)
    s = ready(journey)
    draft(journey, s)
    assert_refused(
        lambda: review(journey, s, decision="reclassify", outcome=Outcome.PLANNED),
        s.pk,
        "请填写调整办理结果的理由。",
    )
    assert_refused(
        lambda: review(journey, s, decision="reclassify", outcome=Outcome.RESOLVED, note="x"),
        s.pk,
        "调整后的办理结果与答复稿相同",
    )
    assert_refused(
        lambda: review(journey, s, decision="reclassify", outcome=Outcome.PLANNED, note="未完工"),
        s.pk,
        "办理结果为“计划解决”时，请填写计划完成时间。",
    )
    review(
        journey,
        s,
        decision="reclassify",
        outcome=Outcome.PLANNED,
        promised_on=dt.date(2024, 12, 31),
        note="道路修缮尚未开工。",
    )
    reply = Reply.objects.get(suggestion=s)
    assert (reply.outcome, reply.promised_on) == (Outcome.PLANNED, dt.date(2024, 12, 31))
    change = OutcomeChange.objects.get(suggestion=s)
    assert (change.to_outcome, change.effective_on) == (Outcome.PLANNED, SENT_ON)
    note = s.events.order_by("-pk").first().note
    assert "办理结果由“已经解决”调整为“计划解决”：道路修缮尚未开工。" in note


def test_the_reports_count_the_day_sent(journey):
    """Written 2024-04-25, due 2024-05-01, sent 2024-05-10: late, and not replied before."""
    switches(review=True)
    s = ready(journey)
    draft(journey, s, day=dt.date(2024, 4, 25))
    review(journey, s, decision="send", day=dt.date(2024, 5, 10))
    scope = Scope(year=s.year)
    before = report_compute(scope=scope, as_of=dt.date(2024, 5, 5))
    after = report_compute(scope=scope, as_of=dt.date(2024, 5, 31))
    assert (before.assigned, before.replied, before.on_time, before.overdue) == (1, 0, 0, 1)
    assert (after.assigned, after.replied, after.on_time, after.overdue) == (1, 1, 0, 0)


# ---------------------------------------------------------------------------------------
# Countersign on


def test_countersign_on_refuses_the_direct_reply(journey):
    switches(countersign=True)
    s = ready(journey)
    assert_refused(
        lambda: reply_resolved(journey, s, LATER),
        s.pk,
        "本件建议的答复须经会办单位会签，请提交答复稿。",
    )


def test_countersign_does_not_apply_without_co_departments(journey):
    switches(countersign=True)
    s = journey.to(IN_PROGRESS, with_co=False)
    assert_refused(lambda: draft(journey, s), s.pk, "本件建议无需会签或审核，请直接答复代表。")
    reply_resolved(journey, s)
    assert Suggestion.objects.get(pk=s.pk).status == Status.REPLIED


def sign(journey, s, agree, opinion="", day=LATER):
    return services.reply_countersign(
        suggestion=s, actor=journey.co_handler, agree=agree, opinion=opinion, when=at(day)
    )


def submit(journey, s, day=SENT_ON):
    return services.reply_countersigned_submit(
        suggestion=s, actor=journey.lead_handler, when=at(day)
    )


def test_the_co_department_countersigns_before_the_lead_submits(journey):
    switches(countersign=True)
    s = ready(journey)
    d = draft(journey, s)
    assert d.stage == ReplyDraft.Stage.COUNTERSIGN
    assert notified(Kind.COUNTERSIGN_DUE, journey.co_handler) == [
        f"主办单位已提交{s.code}《{s.title}》的答复稿，请会签（同意，或提出不同意见）。"
    ]
    co = journey.co_department.name
    assert_refused(lambda: submit(journey, s), s.pk, f"会办单位{co}尚未会签同意，不能提交答复")
    assert_refused(
        lambda: services.reply_countersign(
            suggestion=s, actor=journey.lead_handler, agree=True, when=at(LATER)
        ),
        s.pk,
        "您所在单位不是该建议的会办单位，不能会签答复稿。",
    )
    assert_refused(lambda: sign(journey, s, False), s.pk, "不同意答复稿时，请填写会签意见。")
    sign(journey, s, False, "请补充施工时间。")
    assert notified(Kind.COUNTERSIGNED, journey.lead_handler) == [
        f"{co}对{s.code}《{s.title}》的答复稿会签意见：不同意。请补充施工时间。"
    ]
    assert_refused(lambda: sign(journey, s, True), s.pk, f"{co}已会签该答复稿。")
    assert_refused(lambda: submit(journey, s), s.pk, f"会办单位{co}尚未会签同意")
    # The lead revises: the new draft needs a new countersign.
    revised = draft(journey, s, day=dt.date(2024, 3, 22))
    d.refresh_from_db()
    assert (d.stage, revised.stage) == (ReplyDraft.Stage.SUPERSEDED, ReplyDraft.Stage.COUNTERSIGN)
    sign(journey, s, True, day=dt.date(2024, 3, 23))
    submit(journey, s, day=SENT_ON)
    s.refresh_from_db()
    reply = Reply.objects.get(suggestion=s)
    assert (s.status, s.first_replied_on, reply.replied_on) == (Status.REPLIED, SENT_ON, SENT_ON)
    assert s.events.order_by("-pk").first().note.endswith("（已经会办单位会签）")


def test_both_switches_countersign_first_then_review(journey):
    switches(review=True, countersign=True)
    s = ready(journey)
    draft(journey, s)
    assert_refused(lambda: review(journey, s, decision="send"), s.pk, "没有待审核的答复稿。")
    sign(journey, s, True)
    d = submit(journey, s, day=dt.date(2024, 3, 21))
    assert d.stage == ReplyDraft.Stage.REVIEW
    assert Suggestion.objects.get(pk=s.pk).first_replied_on is None
    review(journey, s, decision="send", day=SENT_ON)
    assert Suggestion.objects.get(pk=s.pk).first_replied_on == SENT_ON


@pytest.mark.parametrize("review_on", [False, True])
def test_available_actions_follow_the_switches(journey, review_on):
    switches(review=review_on)
    s = ready(journey)
    state = services.ItemState.load(s, today=LATER)
    allowed = services.available_actions(state, journey.lead_handler)
    assert (allowed["reply"] == "", allowed["reply_draft"] == "") == (not review_on, review_on)
