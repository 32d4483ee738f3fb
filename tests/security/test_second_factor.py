"""The second factor (DESIGN §13): TOTP through django-otp, enrolment with a QR code drawn
by the server, 10 recovery codes, reset by the 安全管理员, required with MFA_REQUIRED, and
the token endpoint's `otp`."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.models import AuditEvent
from tests.factories import office_user
from tests.security.conftest import PASSWORD


def code_for(device: TOTPDevice, *, next_after_used: bool = False) -> str:
    """The code the user's app shows now; or, since a code once accepted is never accepted
    again, the app's next one after the period last used (read fresh: the server may have
    matched that one a period early or late)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    if next_after_used:
        used = TOTPDevice.objects.get(pk=device.pk).last_t
        totp.time = device.t0 + (used + 1) * device.step
    else:
        totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("security:otp_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(reverse("security:otp_setup"), {"code": code_for(device)})
    assert done.status_code == 200
    return device, done.context["codes"]


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def clerk(db):
    return office_user(username="clerk")


def login(client, password=PASSWORD):
    return client.post(reverse("login"), {"username": "clerk", "password": password})


def test_with_mfa_required_a_new_user_must_enrol_before_anything(client, clerk, mfa_on):
    login(client)
    response = client.get(reverse("suggestions:list"))
    assert response["Location"].startswith(reverse("security:otp"))
    to_setup = client.get(response["Location"])
    assert to_setup["Location"].startswith(reverse("security:otp_setup"))
    page = client.get(reverse("security:otp_setup")).content.decode()
    assert "<svg" in page  # the QR code, drawn here
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    device, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("suggestions:list")).status_code == 200
    assert AuditEvent.objects.filter(kind="mfa_enrol", username="clerk").exists()


def test_a_wrong_first_code_does_not_enrol(client, clerk, mfa_on):
    login(client)
    client.get(reverse("security:otp_setup"))
    response = client.post(reverse("security:otp_setup"), {"code": "000000"})
    assert "动态口令不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_next_login_asks_for_the_code_and_accepts_a_recovery_code_once(
    client, clerk, mfa_on, settings
):
    # django-otp also slows retries down (1 s, 2 s, 4 s…); the lockout is tested below.
    settings.OTP_STATIC_THROTTLE_FACTOR = settings.OTP_TOTP_THROTTLE_FACTOR = 0
    login(client)
    device, codes = enrol(client)
    client.post(reverse("logout"))

    login(client)
    assert client.get(reverse("suggestions:list")).status_code == 302
    wrong = client.post(reverse("security:otp"), {"code": "123456"})
    assert "不正确" in wrong.content.decode()
    assert AuditEvent.objects.filter(kind="mfa_failed", username="clerk").exists()
    assert client.post(reverse("security:otp"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("suggestions:list")).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()  # used up


def test_five_wrong_codes_lock_the_account(client, clerk, mfa_on):
    login(client)
    enrol(client)
    client.post(reverse("logout"))
    login(client)
    for _ in range(5):
        response = client.post(reverse("security:otp"), {"code": "000000"})
    assert response["Location"] == reverse("login")
    assert login(client).status_code == 200  # locked: the form again


def test_a_user_who_enrolled_is_asked_even_when_not_required(client, clerk, settings):
    settings.MFA_REQUIRED = False
    login(client)
    enrol(client)
    client.post(reverse("logout"))
    login(client)
    assert client.get(reverse("suggestions:home"))["Location"].startswith(reverse("security:otp"))


def test_the_token_endpoint_takes_otp(client, clerk, mfa_on):
    login(client)
    device, _ = enrol(client)
    url = "/api/v1/auth/token/"
    body = {"username": "clerk", "password": PASSWORD}
    without = client.post(url, body, content_type="application/json")
    assert without.status_code == 400 and "otp" in without.json()
    with_code = client.post(
        url,
        {**body, "otp": code_for(device, next_after_used=True)},
        content_type="application/json",
    )
    assert with_code.status_code == 200 and with_code.json()["token"]


def test_without_a_device_the_token_endpoint_says_to_enrol_first(client, clerk, mfa_on):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "clerk", "password": PASSWORD, "otp": "123456"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "绑定" in response.json()["otp"][0]


def test_the_security_administrator_resets_the_second_factor(client, clerk, secadmin, mfa_on):
    login(client)
    enrol(client)
    admin = type(client)()
    admin.force_login(secadmin)
    # The secadmin's own login needs its second factor too: verify it the way OTP does.
    admin_device = TOTPDevice.objects.create(user=secadmin, confirmed=True)
    admin.post(reverse("security:otp"), {"code": code_for(admin_device)})
    response = admin.post(reverse("security:mfa_reset", args=[clerk.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert AuditEvent.objects.filter(kind="mfa_reset", username="secadmin").exists()
    # The reset ended the user's session: it logs in and enrols again.
    assert client.get(reverse("suggestions:home"))["Location"].startswith(reverse("login"))
