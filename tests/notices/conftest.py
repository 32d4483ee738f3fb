import socket

import pytest
from aiosmtpd.controller import Controller

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://jy.example.gov.cn"
    yield inbox
    controller.stop()
