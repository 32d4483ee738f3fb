import pytest

from notices.models import Notification
from tests.factories import DepartmentFactory
from tests.factories import handler_user


def received(user) -> list[str]:
    """The kinds of notice a user has, oldest first."""
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True)
    )


@pytest.fixture
def second_lead_handler(lead_department):
    return handler_user(lead_department, username="fangguan2")


@pytest.fixture
def new_department(db):
    return DepartmentFactory(name="区民政局")


@pytest.fixture
def new_handler(new_department):
    return handler_user(new_department, username="minzheng1")
