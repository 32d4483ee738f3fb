"""The second factor (DESIGN §13) through django-otp: a TOTP device (RFC 6238, any
authenticator app) and a static device holding 10 one-time recovery codes."""

from __future__ import annotations

import base64

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from security import audit
from security import lockout
from security.accounts import end_sessions
from security.audit import client_address
from security.sessions import HAS_DEVICE

RECOVERY_CODES = 10


def pending_totp(user) -> TOTPDevice:
    """The device being enrolled: created once, shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="手机令牌", confirmed=False)


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG drawn here (no outside service, no inline
    script or style: CSP allows it)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5)


def secret_for_typing(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Check the first code; on success confirm the device, issue fresh recovery codes
    (returned once, to be shown once) and verify this login."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    codes = issue_recovery_codes(device.user)
    otp_login(request, device)
    request.session[HAS_DEVICE] = True
    audit.record(audit.Kind.MFA_ENROL, request=request, user=device.user, obj=device.user)
    return codes


def issue_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


def check_code(request, user, token: str):
    """The device a code from the app or one recovery code (used up) belongs to, or None;
    a wrong code is audited and counts as a failed login for the lockout. The browser's
    second step and the API token endpoint both ask this."""
    token = (token or "").strip().replace(" ", "")
    device = match_token(user, token) if token else None
    if device is None:
        audit.record(
            audit.Kind.MFA_FAILED, request=request, user=user, outcome=audit.Outcome.FAILURE
        )
        lockout.record_failure(user.get_username(), client_address(request), request)
    return device


def verify(request, token: str) -> bool:
    """The browser's second step: a right code verifies this login."""
    device = check_code(request, request.user, token)
    if device is not None:
        otp_login(request, device)
    return device is not None


def has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


@transaction.atomic
def reset(user, *, actor, request=None) -> None:
    """The 安全管理员 removes a user's second factor; the user enrols again at next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_sessions(user)
    audit.record(audit.Kind.MFA_RESET, request=request, user=actor, obj=user)
