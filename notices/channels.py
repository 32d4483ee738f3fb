"""The two channels besides the in-app notice: e-mail through Django's mail API (the SMTP
backend when EMAIL_HOST is set, the console otherwise) and SMS through the gateway backend
that SMS_BACKEND names: "console" (logged) or "http" (JSON POSTed to SMS_HTTP_URL)."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)

SMS_SEGMENT = 70  # characters of one Chinese SMS segment


def item_url(notification) -> str:
    """The item's page; a draft's notice opens through the notice, which leads each reader
    (the deputy, the office) to its own page of the draft."""
    if notification.suggestion_id is None:
        path = reverse("notices:open", args=[notification.pk])
    else:
        path = reverse("suggestions:detail", args=[notification.suggestion_id])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _context(notification) -> dict:
    s = notification.subject
    return {
        "notification": notification,
        "kind": notification.get_kind_display(),
        "suggestion": s,
        "url": item_url(notification),
        "system": settings.SYSTEM_NAME,
        "organisation": settings.ORGANISATION_NAME,
    }


def send_email(notification, address: str) -> None:
    context = _context(notification)
    s = context["suggestion"]
    subject = f"【{settings.SYSTEM_NAME}】{context['kind']}：{s.code} {s.title}"[:150]
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notices/email/notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    message.attach_alternative(render_to_string("notices/email/notice.html", context), "text/html")
    message.send(fail_silently=False)


def sms_text(notification) -> str:
    """One segment: 【system】kind：code title…，due date. The title gives way first."""
    s = notification.subject
    head = f"【{settings.SMS_SIGNATURE}】{notification.get_kind_display()}：{s.code}"
    tail = f"，期限{notification.due_on:%m月%d日}" if notification.due_on else ""
    tail += "，请登录系统查看。"
    room = SMS_SEGMENT - len(head) - len(tail)
    title = s.title if len(s.title) <= room else s.title[: max(room - 1, 0)] + "…"
    return (head + title + tail)[:SMS_SEGMENT]


def send_sms(notification, mobile: str) -> None:
    text = sms_text(notification)
    if settings.SMS_BACKEND == "console":
        logger.info("SMS to %s: %s", mobile, text)
        return
    if settings.SMS_BACKEND != "http":
        raise RuntimeError(f"Unknown SMS_BACKEND {settings.SMS_BACKEND!r}")
    body = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        settings.SMS_HTTP_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
        },
    )
    with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
        if response.status >= 300:
            raise RuntimeError(f"SMS gateway answered {response.status}")


def send(delivery) -> None:
    if delivery.channel == "email":
        send_email(delivery.notification, delivery.address)
    else:
        send_sms(delivery.notification, delivery.address)
