"""E-mail through a real SMTP server, SMS through a local HTTP gateway, and a failing
channel: the action is done, the delivery waits for a later attempt."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from unittest import mock

import pytest
from django.utils import timezone

from notices import channels
from notices.delivery import MAX_ATTEMPTS
from notices.delivery import deliver_due
from notices.models import Delivery
from notices.models import NoticePreference
from notices.models import Notification
from suggestions.models import Status
from tests.notices.conftest import free_port


@pytest.fixture
def gateway(settings):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers.get("Authorization"), json.loads(body)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_HTTP_TOKEN = "secret-token"
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribed(lead_handler):
    lead_handler.email, lead_handler.phone = "fangguan@example.cn", "13800138000"
    lead_handler.save()
    NoticePreference.objects.create(user=lead_handler, by_email=True, by_sms=True)
    return lead_handler


def test_email_reaches_a_real_smtp_server_in_chinese(smtp, journey, subscribed):
    s = journey.to(Status.ASSIGNED, with_co=False)
    result = deliver_due()
    assert result["sent"] == 2  # the e-mail to SMTP, the SMS to the console backend
    assert len(smtp.messages) == 1
    to, raw = smtp.messages[0]
    assert to == ["fangguan@example.cn"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"].strip() == f"【代表建议办理系统】新交办：{s.code} {s.title}"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert s.code in body and s.title in body
        assert "2024年5月1日" in body  # the reply due date
        assert f"https://jy.example.gov.cn/suggestions/{s.pk}/" in body
    delivery = Delivery.objects.get(channel="email")
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1


def test_sms_json_reaches_the_http_gateway(gateway, journey, subscribed):
    s = journey.to(Status.ASSIGNED, with_co=False)
    deliver_due()
    assert len(gateway) == 1
    auth, payload = gateway[0]
    assert auth == "Bearer secret-token"
    assert payload["mobile"] == "13800138000"
    assert payload["text"].startswith("【代表建议办理系统】新交办：")
    assert s.code in payload["text"] and len(payload["text"]) <= 70
    assert Delivery.objects.get(channel="sms").status == Delivery.Status.SENT


def test_sms_text_fits_one_segment_with_a_long_title(journey, subscribed):
    s = journey.draft(title="关于" + "加快推进老旧小区加装电梯和停车设施改造" * 5 + "的建议")
    journey.to(Status.ASSIGNED, s, with_co=False)
    notice = Notification.objects.get(recipient=subscribed)
    text = channels.sms_text(notice)
    assert len(text) <= 70 and "…" in text and text.endswith("请登录系统查看。")
    assert "期限05月01日" in text


def test_a_closed_smtp_port_leaves_the_action_done_and_the_delivery_pending(
    settings, journey, subscribed
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    before = timezone.now()
    s = journey.to(Status.ASSIGNED, with_co=False)
    result = deliver_due()
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED
    mail = Delivery.objects.get(channel="email")
    assert mail.status == Delivery.Status.PENDING
    assert mail.attempts == 1 and "Connection" in mail.last_error
    assert mail.next_attempt_at > before + dt_minutes(0.9)
    assert result["failed"] == 1 and result["next_attempt_at"] == mail.next_attempt_at
    # Not due yet: a second drain does not try it again.
    assert deliver_due()["failed"] == 0
    # The back-off doubles; after MAX_ATTEMPTS the failure is final (and shown in the admin).
    later = timezone.now()
    for n in range(2, MAX_ATTEMPTS + 1):
        later += dt_minutes(400)
        deliver_due(now=later)
        mail.refresh_from_db()
        assert mail.attempts == n
    assert mail.status == Delivery.Status.FAILED


def test_a_failing_gateway_is_retried(settings, journey, subscribed):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{free_port()}/sms"
    journey.to(Status.ASSIGNED, with_co=False)
    with mock.patch.object(channels, "send_email"):
        deliver_due()
    sms = Delivery.objects.get(channel="sms")
    assert sms.status == Delivery.Status.PENDING and sms.attempts == 1 and sms.last_error


def test_the_worker_task_drains_the_queue(journey, subscribed, mailoutbox):
    from notices.tasks import deliver_pending

    journey.to(Status.ASSIGNED, with_co=False)
    result = deliver_pending.call()
    assert result == {"sent": 2, "failed": 0}
    assert len(mailoutbox) == 1


def dt_minutes(n: float):
    import datetime as dt

    return dt.timedelta(minutes=n)
