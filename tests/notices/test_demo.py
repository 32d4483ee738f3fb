"""The demo reaches people (issue 12's walk): contact people for every department, the bell
of `fangguan` showing overdue and due-soon items, and the past month's reminders mailed in
Chinese with links by `send_reminders --sync` against a real SMTP server, once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from departments.models import Department
from departments.models import User
from notices.models import DepartmentContact
from notices.models import Kind
from notices.models import Notification


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=io.StringIO())


def test_contacts_and_the_bell_of_fangguan_with_overdue_and_due_soon_items(demo, client):
    contacts = DepartmentContact.objects.all()
    assert contacts.count() == Department.objects.count()
    assert all(c.email.endswith("@example.gov.cn") and len(c.mobile) == 11 for c in contacts)
    fangguan = User.objects.get(username="fangguan")
    unread = Notification.objects.filter(recipient=fangguan, read_at__isnull=True)
    kinds = set(unread.values_list("kind", flat=True))
    assert {Kind.OVERDUE, Kind.DUE_SOON} <= kinds
    assert not unread.filter(suggestion__year=2023).exists()
    assert Notification.objects.filter(recipient=fangguan, suggestion__year=2023).exists()
    client.login(username="fangguan", password="Jingan-2023")
    page = client.get(reverse("notices:list")).content.decode()
    overdue = unread.filter(kind=Kind.OVERDUE).first()
    assert overdue.text in page
    assert f'aria-label="站内提醒，{unread.count()}条未读"' in client.get("/").content.decode()


def test_send_reminders_sync_mails_the_month_in_chinese_once(demo, smtp):
    today = timezone.localdate()
    out = io.StringIO()
    for back in range(30, -1, -1):
        day = today - dt.timedelta(days=back)
        call_command("send_reminders", date=day.isoformat(), sync=True, stdout=out)
    assert smtp.messages, out.getvalue()
    recipients = {r for rcpt, _ in smtp.messages for r in rcpt}
    assert "fangguan@example.gov.cn" in recipients
    assert any(r.startswith("lianluo") for r in recipients)
    message = email.message_from_bytes(smtp.messages[0][1], policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()
    kinds = "|".join(str(k.label) for k in Kind)
    subject = message["Subject"].strip()
    assert re.match(rf"【代表建议办理系统】({kinds})：\d{{4}}[建社]\d{{3}} ", subject)
    assert "https://jy.example.gov.cn/suggestions/" in body
    sent = len(smtp.messages)
    for back in range(30, -1, -1):
        day = today - dt.timedelta(days=back)
        call_command("send_reminders", date=day.isoformat(), sync=True, stdout=io.StringIO())
    assert len(smtp.messages) == sent
