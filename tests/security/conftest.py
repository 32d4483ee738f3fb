import pytest

from departments.models import Role
from tests.factories import UserFactory

PASSWORD = "Test-pass-1"  # tests/factories.py gives every user this password


@pytest.fixture
def secadmin(db):
    return UserFactory(username="secadmin", role=Role.SECADMIN)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="sysadmin", role=Role.SYSADMIN, is_staff=True)
