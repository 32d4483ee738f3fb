"""Fixtures of the REST API tests: token clients per role.

The users and departments come from tests/conftest.py: office, supervisor, lead_handler
(区房管局, the lead), co_handler (区建设管理委, the co department) and other_handler
(区绿化市容局, holds nothing). So do the items at each stage (`stages`), built "today"
through the services, as the browser matrix does, so the return window (5 working days
after assignment) is open and dates sent without a value default to today.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from config.api_auth import token_issue
from tests.factories import UserFactory

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
