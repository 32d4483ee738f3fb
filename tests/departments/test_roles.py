"""departments/roles.py answers every role question once: each role's answers, inactive
and anonymous users, the API's permission classes, and the template's `may`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from departments import roles
from tests.factories import UserFactory

QUESTIONS = {
    "is_office": roles.is_office,
    "is_supervisor": roles.is_supervisor,
    "is_handler": roles.is_handler,
    "sees_everything": roles.sees_everything,
    "has_role": roles.has_role,
    "may_export": roles.may_export,
    "may_read_reports": roles.may_read_reports,
    "may_issue_reports": roles.may_issue_reports,
    "may_import": roles.may_import,
    "may_register": roles.may_register,
    "may_edit_reference_data": roles.may_edit_reference_data,
}

# Written out by hand from DESIGN §1: the questions each kind of user answers "yes" to.
YES = {
    "office": {
        "is_office",
        "sees_everything",
        "has_role",
        "may_export",
        "may_read_reports",
        "may_issue_reports",
        "may_import",
        "may_register",
    },
    "supervisor": {
        "is_supervisor",
        "sees_everything",
        "has_role",
        "may_export",
        "may_read_reports",
    },
    "handler": {"is_handler", "has_role", "may_export"},
    "admin": {
        "sees_everything",
        "has_role",
        "may_export",
        "may_read_reports",
        "may_edit_reference_data",
    },
    "no_role": set(),
}


@pytest.fixture
def people(office, supervisor, lead_handler):
    return {
        "office": office,
        "supervisor": supervisor,
        "handler": lead_handler,
        "admin": UserFactory(username="admin1", is_staff=True, is_superuser=True),
        "no_role": UserFactory(username="nobody"),
    }


@pytest.mark.parametrize("who", list(YES))
def test_each_role_answers_its_questions(people, who):
    user = people[who]
    answers = {name for name, question in QUESTIONS.items() if question(user)}
    assert answers == YES[who]


@pytest.mark.parametrize("who", list(YES))
def test_inactive_and_anonymous_users_have_no_role(people, who):
    user = people[who]
    user.is_active = False
    user.save()
    assert not any(question(user) for question in QUESTIONS.values())
    assert not any(question(AnonymousUser()) for question in QUESTIONS.values())
    assert not any(question(None) for question in QUESTIONS.values())


def test_handler_of_its_own_department_only(lead_handler, lead_department, other_department):
    assert roles.is_handler_of(lead_handler, lead_department.pk)
    assert not roles.is_handler_of(lead_handler, other_department.pk)
    assert not roles.is_handler_of(lead_handler, None)


def test_api_permission_classes_ask_the_same_questions(people):
    factory = RequestFactory()
    for who, user in people.items():
        request = factory.get("/")
        request.user = user
        assert roles.IsRoleUser().has_permission(request, None) == ("has_role" in YES[who])
        assert roles.CanReadReports().has_permission(request, None) == (
            "may_read_reports" in YES[who]
        )
        assert roles.DenyAll().has_permission(request, None) is False
        write = factory.post("/")
        write.user = user
        assert roles.ReadAllWriteAdmin().has_permission(write, None) == (
            "may_edit_reference_data" in YES[who]
        )


def test_templates_read_may(people):
    factory = RequestFactory()
    for who, user in people.items():
        request = factory.get("/")
        request.user = user
        may = roles.template_roles(request)["may"]
        assert may["import"] == ("may_import" in YES[who])
        assert may["read_reports"] == ("may_read_reports" in YES[who])
        assert may["administer"] == ("may_edit_reference_data" in YES[who])
