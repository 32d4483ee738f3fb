"""Who sees which item: `suggestions_visible_to` is the one place that decides it."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from departments.models import Role
from suggestions import services
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.selectors import suggestions_visible_to
from tests.conftest import at
from tests.factories import DeputyFactory
from tests.factories import UserFactory
from tests.factories import deputy_user
from tests.factories import handler_user

LATER = dt.date(2024, 3, 20)


def visible(user) -> set[int]:
    return set(suggestions_visible_to(user).values_list("pk", flat=True))


@pytest.fixture
def items(journey):
    """A draft, an item with lead + co departments, one with the lead only, a closed one."""
    return {
        "draft": journey.to(Status.DRAFT).pk,
        "with_co": journey.to(Status.IN_PROGRESS).pk,
        "lead_only": journey.to(Status.ASSIGNED, with_co=False).pk,
        "closed": journey.to(Status.CLOSED).pk,
    }


def test_office_supervisor_and_superuser_see_everything(items, office, supervisor):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    everything = set(Suggestion.objects.values_list("pk", flat=True))
    assert everything == set(items.values())
    assert visible(office) == everything
    assert visible(supervisor) == everything
    assert visible(admin) == everything


def test_a_handler_sees_the_items_its_department_holds(items, lead_handler, co_handler):
    assert visible(lead_handler) == {items["with_co"], items["lead_only"], items["closed"]}
    assert visible(co_handler) == {items["with_co"], items["closed"]}


def test_a_colleague_in_the_same_department_sees_the_same_items(items, lead_department):
    colleague = handler_user(lead_department, username="fangguan2")
    assert visible(colleague) == {items["with_co"], items["lead_only"], items["closed"]}


def test_a_handler_of_an_uninvolved_department_sees_nothing(items, other_handler):
    assert visible(other_handler) == set()


def test_after_a_reassignment_the_old_departments_lose_the_item_and_the_new_one_gets_it(
    items, journey, other_department, lead_handler, co_handler, other_handler
):
    s = Suggestion.objects.get(pk=items["with_co"])
    services.suggestion_reassign(
        suggestion=s,
        lead=other_department,
        actor=journey.office,
        assigned_on=LATER,
        when=at(LATER),
    )
    assert items["with_co"] not in visible(lead_handler)
    assert items["with_co"] not in visible(co_handler)
    assert visible(other_handler) == {items["with_co"]}
    # What the old departments still hold is unaffected.
    assert visible(lead_handler) == {items["lead_only"], items["closed"]}
    assert visible(co_handler) == {items["closed"]}


def test_after_an_approved_return_the_returning_department_loses_the_item(
    items, journey, other_department, lead_handler, other_handler
):
    s = Suggestion.objects.get(pk=items["lead_only"])
    request = services.return_request(
        suggestion=s,
        actor=lead_handler,
        reason="不属于本单位职责。",
        suggested_department=other_department,
        when=at(dt.date(2024, 2, 5)),
    )
    services.return_decide(
        request=request, actor=journey.office, approve=True, lead=other_department, when=at(LATER)
    )
    assert items["lead_only"] not in visible(lead_handler)
    assert visible(other_handler) == {items["lead_only"]}


def test_a_user_without_a_role_sees_nothing(items):
    nobody = UserFactory(username="nobody")
    assert visible(nobody) == set()


def test_a_handler_role_without_a_department_sees_nothing(items):
    orphan = UserFactory(username="orphan", role=Role.HANDLER)
    assert visible(orphan) == set()


def test_an_inactive_user_sees_nothing(items, lead_department):
    gone_handler = handler_user(lead_department, username="left1", is_active=False)
    gone_office = UserFactory(username="left2", role=Role.OFFICE, is_active=False)
    gone_admin = UserFactory(username="left3", is_superuser=True, is_active=False)
    assert visible(gone_handler) == set()
    assert visible(gone_office) == set()
    assert visible(gone_admin) == set()


def test_an_anonymous_user_sees_nothing(items):
    assert visible(AnonymousUser()) == set()


def test_a_deputy_sees_the_items_it_leads_or_co_signed_and_nothing_else(items):
    with_co = Suggestion.objects.get(pk=items["with_co"])
    lead = deputy_user(with_co.lead_deputy, username="daibiao1")
    cosigner = DeputyFactory(name="联名甲")
    Suggestion.objects.get(pk=items["closed"]).co_signers.add(cosigner)
    with_co.co_signers.add(cosigner)
    led = set(
        Suggestion.objects.filter(lead_deputy=with_co.lead_deputy).values_list("pk", flat=True)
    )
    assert items["with_co"] in led
    assert visible(lead) == led
    assert visible(deputy_user(cosigner, username="daibiao2")) == {
        items["with_co"],
        items["closed"],
    }


def test_a_deputy_role_without_a_linked_deputy_sees_nothing(items):
    assert visible(UserFactory(username="unlinked", role=Role.DEPUTY)) == set()


def test_a_deputy_account_without_the_role_sees_nothing(items):
    s = Suggestion.objects.get(pk=items["with_co"])
    s.lead_deputy.user = UserFactory(username="norole")
    s.lead_deputy.save()
    assert visible(s.lead_deputy.user) == set()
