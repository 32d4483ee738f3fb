"""The Jing'an 2023 demo reproduces every figure of DESIGN §6.

The figures are computed here with plain ORM queries over the dated records, independently
of any report code, so the data set itself is checked.
"""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.core.management import call_command
from django.db.models import OuterRef
from django.db.models import Subquery

from departments.models import Department
from departments.models import Deputy
from departments.models import User
from suggestions import forms
from suggestions.models import Assignment
from suggestions.models import CalendarDay
from suggestions.models import Event
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import OutcomeChange
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Suggestion

Q2 = dt.date(2023, 6, 30)
Q3 = dt.date(2023, 9, 30)


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=io.StringIO())


def outcome_as_of(qs, day):
    latest = (
        OutcomeChange.objects.filter(suggestion=OuterRef("pk"), effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .values("to_outcome")[:1]
    )
    return Counter(qs.annotate(o=Subquery(latest)).values_list("o", flat=True))


def suggestions_2023():
    return Suggestion.objects.filter(year=2023, kind=Kind.SUGGESTION)


def test_q3_figures(demo):
    scope = suggestions_2023()
    assigned = scope.filter(assigned_on__lte=Q3)
    replied = assigned.filter(first_replied_on__lte=Q3)
    assert assigned.count() == 176
    assert assigned.filter(source=Source.SESSION).count() == 169
    assert assigned.filter(source=Source.RECESS).count() == 7
    assert replied.count() == 175
    on_time = [s for s in replied if s.first_replied_on <= s.reply_due_on]
    assert len(on_time) == 175
    pending = assigned.exclude(pk__in=replied)
    assert pending.count() == 1
    (open_item,) = pending
    assert open_item.source == Source.RECESS
    assert open_item.reply_due_on >= Q3  # pending, not overdue
    assert outcome_as_of(replied, Q3) == {
        Outcome.RESOLVED: 144,
        Outcome.IN_PROGRESS: 2,
        Outcome.PLANNED: 10,
        Outcome.FOR_REFERENCE: 19,
    }
    recess_replied = replied.filter(source=Source.RECESS)
    assert recess_replied.count() == 6
    assert outcome_as_of(recess_replied, Q3) == {Outcome.RESOLVED: 6}
    assert all(s.first_replied_on < s.reply_due_on for s in recess_replied)
    assert all(Q2 < s.first_replied_on <= Q3 for s in recess_replied)


def test_q2_figures_and_the_upgrades_between(demo):
    scope = suggestions_2023()
    replied = scope.filter(first_replied_on__lte=Q2)
    assert replied.count() == 169
    assert outcome_as_of(replied, Q2) == {
        Outcome.RESOLVED: 132,
        Outcome.IN_PROGRESS: 5,
        Outcome.PLANNED: 13,
        Outcome.FOR_REFERENCE: 19,
    }
    upgrades = OutcomeChange.objects.filter(
        suggestion__in=scope,
        source=OutcomeChange.Source.RECHECK,
        effective_on__gt=Q2,
        effective_on__lte=Q3,
        to_outcome=Outcome.RESOLVED,
    )
    assert Counter(upgrades.values_list("from_outcome", flat=True)) == {
        Outcome.IN_PROGRESS: 3,
        Outcome.PLANNED: 3,
    }
    titles = set(upgrades.values_list("suggestion__title", flat=True))
    assert "关于增加上海老旧小区消防栓设施的建议" in titles
    assert "关于增加区域体育面积，满足市民日益增长的健身需求的建议" in titles
    # Every re-check is backed by a recorded 跟踪复查 with its evidence.
    assert all(u.follow_up.kind == FollowUp.Kind.RECHECK and u.evidence for u in upgrades)


def test_unsatisfied_item_has_supervision_and_follow_up(demo):
    unsatisfied = Feedback.objects.filter(
        suggestion__year=2023, satisfaction=Satisfaction.UNSATISFIED
    )
    assert unsatisfied.count() >= 1
    item = unsatisfied.first().suggestion
    kinds = set(item.follow_ups.values_list("kind", flat=True))
    assert FollowUp.Kind.SUPERVISION in kinds
    assert kinds & {FollowUp.Kind.VISIT, FollowUp.Kind.MEETING, FollowUp.Kind.CALLBACK}
    assert item.replies.count() == 2  # the rework round
    # The visit carries its evidence, files that pass the upload checks themselves.
    visit = item.follow_ups.get(kind=FollowUp.Kind.VISIT)
    files = list(visit.evidence.order_by("id"))
    assert [(e.name, e.content_type) for e in files] == [
        ("走访记录.pdf", "application/pdf"),
        ("现场照片.png", "image/png"),
    ]
    for e in files:
        with e.file.open("rb") as stored:
            forms.validate_evidence(SimpleUploadedFile(e.name, stored.read(), e.content_type))


def test_spot_checks_of_resolved_items(demo):
    checks = FollowUp.objects.filter(suggestion__year=2023, kind=FollowUp.Kind.SPOT_CHECK)
    titles = set(checks.values_list("suggestion__title", flat=True))
    assert "关于进一步加强苏州河沿岸环境保护的建议" in titles
    assert "关于完善公共文化服务供给，加强线上文化配送的建议" in titles
    assert all(c.consistent_with_reply for c in checks)
    findings = " ".join(checks.values_list("findings", flat=True))
    assert "实地走访" in findings and "电话回访" in findings
    for check in checks:
        assert outcome_as_of(
            Suggestion.objects.filter(pk=check.suggestion_id), check.happened_on
        ) == {Outcome.RESOLVED: 1}


def test_community_opinions(demo):
    scope = Suggestion.objects.filter(year=2023, kind=Kind.COMMUNITY_OPINION)
    assert scope.filter(assigned_on__lte=Q3).count() == 90
    assert scope.filter(first_replied_on__lte=Q3).count() == 90
    leads = Counter(
        Assignment.objects.filter(
            suggestion__in=scope, role=Assignment.Role.LEAD, is_active=True
        ).values_list("department__name", flat=True)
    )
    assert len(leads) == 20
    top_two = {name for name, _ in leads.most_common(2)}
    assert top_two == {"区绿化市容局", "区房管局"}
    outcomes = outcome_as_of(scope, Q3)
    assert outcomes[Outcome.RESOLVED] + outcomes[Outcome.IN_PROGRESS] == 65
    levels = set(scope.values_list("lead_deputy__level", flat=True))
    assert levels == {Deputy.Level.CITY, Deputy.Level.DISTRICT}


def test_demo_users_log_in_with_their_roles(demo, client):
    expected = {
        "office": ("office", None),
        "supervisor": ("supervisor", None),
        "fangguan": ("handler", "区房管局"),
        "lvhua": ("handler", "区绿化市容局"),
        "jianguan": ("handler", "区建设管理委"),
    }
    for username, (role, department) in expected.items():
        user = User.objects.get(username=username)
        assert user.has_role(role)
        assert (user.department.name if user.department else None) == department
        assert client.login(username=username, password="Jingan-2023"), username
        client.logout()
    for name in (
        "区房管局",
        "区绿化市容局",
        "区建设管理委",
        "区卫生健康委",
        "区民政局",
        "区教育局",
    ):
        assert Department.objects.filter(name=name).exists()


def _snapshot():
    models = [
        Suggestion,
        Assignment,
        Reply,
        Feedback,
        FollowUp,
        OutcomeChange,
        Event,
        User,
        Department,
        Deputy,
        CalendarDay,
        Suggestion.history.model,
    ]
    return {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in models} | {
        "versions": sorted(Suggestion.objects.values_list("pk", "version"))
    }


def test_load_demo_twice_changes_nothing(demo):
    before = _snapshot()
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert _snapshot() == before


def test_load_demo_refuses_without_force_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not Suggestion.objects.exists()


def test_the_demo_deputy_leads_a_replied_item_awaiting_its_rating(demo, client):
    from departments import roles

    user = User.objects.get(username="daibiao")
    assert roles.is_deputy(user) and user.check_password("Jingan-2023")
    deputy = user.deputy
    awaiting = Suggestion.objects.get(lead_deputy=deputy, status="replied")
    reply = awaiting.replies.get()
    assert reply.letter_name.endswith(".pdf") and reply.letter.read(5) == b"%PDF-"
    cosigned = Suggestion.objects.filter(co_signers=deputy)
    assert cosigned.filter(status="rework").exists()

    client.force_login(user)
    response = client.get("/deputy/")
    assert awaiting.pk in {s.pk for s in response.context["items"] if s.awaits_rating}
