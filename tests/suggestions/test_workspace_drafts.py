"""我的待办 shows reply drafts waiting for someone (DESIGN §11): the office's 待审核的答复稿,
a co department's 待会签的答复稿 until it has signed; each links to the list of the same
items."""

from __future__ import annotations

from django.urls import reverse

from suggestions.models import ReplyDraft
from suggestions.workspace import workspace_sections
from tests.suggestions.services.test_review import draft
from tests.suggestions.services.test_review import ready
from tests.suggestions.services.test_review import review
from tests.suggestions.services.test_review import sign
from tests.suggestions.services.test_review import switches

LIST = reverse("suggestions:list")


def listed(user, key: str) -> list[int]:
    """The section's items: listed in it, or in a more urgent section with its tag (these
    items are overdue, so 已超期 lists them first)."""
    sections = workspace_sections(user)
    heading = next(h for k, h, _ in sections if k == key)
    return [s.pk for k, _, items in sections for s in items if k == key or heading in s.also]


def test_a_draft_under_review_waits_in_the_offices_workspace(client, journey):
    switches(review=True)
    s, other = ready(journey), ready(journey)
    assert listed(journey.office, "reply_review") == []
    draft(journey, s)
    assert listed(journey.office, "reply_review") == [s.pk]
    client.force_login(journey.office)
    page = client.get(reverse("suggestions:workspace")).content.decode()
    # Overdue, so listed under 已超期 with the section's tag.
    assert '<span class="badge reason">待审核的答复稿</span>' in page
    response = client.get(f"{LIST}?todo=reply_review")
    assert [item.pk for item in response.context["page"]] == [s.pk]
    review(journey, s, decision="send")
    assert listed(journey.office, "reply_review") == []
    assert other.pk not in listed(journey.office, "reply_review")


def test_a_draft_waits_for_the_co_departments_countersign_until_it_signs(client, journey):
    switches(countersign=True)
    s = ready(journey)
    assert listed(journey.co_handler, "countersign") == []
    d = draft(journey, s)
    assert d.stage == ReplyDraft.Stage.COUNTERSIGN
    assert listed(journey.co_handler, "countersign") == [s.pk]
    # The lead's own draft is not its department's to countersign.
    assert listed(journey.lead_handler, "countersign") == []
    client.force_login(journey.co_handler)
    response = client.get(f"{LIST}?todo=countersign")
    assert [item.pk for item in response.context["page"]] == [s.pk]
    sign(journey, s, False, "请补充施工时间。")
    assert listed(journey.co_handler, "countersign") == []
    # A revised draft asks for a new countersign.
    draft(journey, s)
    assert listed(journey.co_handler, "countersign") == [s.pk]
