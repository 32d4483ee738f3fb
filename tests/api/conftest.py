"""Fixtures of the REST API tests: token clients per role and items at each stage.

The users and departments come from tests/conftest.py: office, supervisor, lead_handler
(区房管局, the lead), co_handler (区建设管理委, the co department) and other_handler
(区绿化市容局, holds nothing). Items are built "today" through the services, as the
browser matrix does, so the return window (5 working days after assignment) is open and
dates sent without a value default to today.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from config.api_auth import token_issue
from suggestions import services
from suggestions.deadlines import add_months
from suggestions.models import Outcome, Suggestion
from tests.factories import SuggestionFactory, UserFactory

# A small, valid PDF: the letter validator checks the extension, the type and "%PDF-".
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

API = "/api/v1"

ROLES = ["office", "supervisor", "lead", "co", "other"]


def item_url(pk, name: str | None = None) -> str:
    """The detail URL of an item, or of one of its actions (`return_request` → return-request)."""
    if name is None or name == "update":
        return f"{API}/suggestions/{pk}/"
    return f"{API}/suggestions/{pk}/{name.replace('_', '-')}/"


def token_client(user=None) -> APIClient:
    """An API client that authenticates with a fresh token of `user` (anonymous if None)."""
    client = APIClient()
    if user is not None:
        key, _ = token_issue(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Reply letters land in a per-test folder.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff_user(db):
    """A staff account without a role: the only one that may write reference data."""
    return UserFactory(username="admin1", is_staff=True)


@pytest.fixture
def users(office, supervisor, lead_handler, co_handler, other_handler):
    return {
        "office": office,
        "supervisor": supervisor,
        "lead": lead_handler,
        "co": co_handler,
        "other": other_handler,
    }


@pytest.fixture
def clients(users):
    """One token client per role, plus "anonymous"."""
    made = {role: token_client(user) for role, user in users.items()}
    made["anonymous"] = APIClient()
    return made


class Stages:
    """Builds an item at each stage through the services, dated today.

    draft        registered, not assigned (handlers do not see it)
    in_progress  assigned to 区房管局 (lead) + 区建设管理委 (co); the lead signed for it, the
                 co department has neither signed nor sent its opinion
    replied      as in_progress, plus the co opinion and the lead's reply (with a PDF letter)
    pending      as in_progress, plus a pending return request and a pending extension request
    """

    def __init__(self, office, lead_handler, co_handler, lead_department, co_department):
        self.office = office
        self.lead_handler = lead_handler
        self.co_handler = co_handler
        self.lead_department = lead_department
        self.co_department = co_department

    def draft(self, **kwargs) -> Suggestion:
        return SuggestionFactory(**kwargs)

    def assigned(self, **kwargs) -> Suggestion:
        s = services.suggestion_assign(
            suggestion=self.draft(**kwargs),
            lead=self.lead_department,
            co_departments=[self.co_department],
            actor=self.office,
        )
        return Suggestion.objects.get(pk=s.pk)

    def in_progress(self, **kwargs) -> Suggestion:
        s = self.assigned(**kwargs)
        services.assignment_acknowledge(suggestion=s, actor=self.lead_handler)
        return Suggestion.objects.get(pk=s.pk)

    def replied(self, **kwargs) -> Suggestion:
        s = self.in_progress(**kwargs)
        services.co_opinion_submit(suggestion=s, actor=self.co_handler, opinion="同意主办意见。")
        services.reply_submit(
            suggestion=s,
            actor=self.lead_handler,
            outcome=Outcome.PLANNED,
            text="已列入明年计划。",
            letter=ContentFile(PDF, name="dafuhan.pdf"),
            letter_name="dafuhan.pdf",
        )
        return Suggestion.objects.get(pk=s.pk)

    def pending(self, **kwargs) -> Suggestion:
        s = self.in_progress(**kwargs)
        services.return_request(suggestion=s, actor=self.lead_handler, reason="不属于本单位职责。")
        services.extension_request(
            suggestion=s,
            actor=self.lead_handler,
            requested_due_on=add_months(s.due_on, 1),
            reason="需要协调多个部门。",
        )
        return Suggestion.objects.get(pk=s.pk)

    def build(self, stage: str, **kwargs) -> Suggestion:
        return getattr(self, stage)(**kwargs)


@pytest.fixture
def stages(office, lead_handler, co_handler, lead_department, co_department):
    return Stages(office, lead_handler, co_handler, lead_department, co_department)
