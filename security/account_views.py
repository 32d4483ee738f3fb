"""The user's own security pages: the second factor (enrol, verify), the password change
that clears a one-time password, and the user's API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from departments.models import ApiToken
from security import audit
from security import lockout
from security import mfa
from security.audit import client_address

LOCKED_MESSAGE = "验证失败次数过多，账号已临时锁定，请稍后再试或联系安全管理员。"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令或恢复码",
        max_length=20,
        error_messages={"required": "请输入验证器应用显示的6位动态口令，或一个恢复码。"},
    )


def _next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of the login: a code from the app, or one recovery code."""
    if not mfa.has_device(request.user):
        return redirect(f"{reverse('security:otp_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        if lockout.is_locked(request.user.get_username(), client_address(request)):
            logout(request)
            messages.error(
                request, "验证失败次数过多，账号已临时锁定，请稍后再试或联系安全管理员。"
            )
            return redirect("login")
        form.add_error("code", "动态口令或恢复码不正确，请重新输入。")
    return render(request, "security/otp_verify.html", {"form": form, "next": _next(request)})


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol: scan the QR code drawn here, type the first code, keep the recovery codes."""
    if mfa.has_device(request.user) and not request.user.is_verified():
        return redirect("security:otp")
    device = mfa.pending_totp(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "security/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("code", "动态口令不正确：请核对手机时间后，输入验证器当前显示的6位数字。")
    context = {
        "form": form,
        "qr": mfa.enrolment_qr_svg(device),
        "secret": mfa.secret_for_typing(device),
        "next": _next(request),
        "enrolled": mfa.has_device(request.user),
    }
    return render(request, "security/otp_setup.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change form (the policy's validators run in it); a successful change
    clears a one-time password, and other sessions end (Django) as do the user's API
    tokens (security.accounts.on_password_changed)."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        audit.record(audit.Kind.PASSWORD_CHANGE, request=self.request, obj=user)
        return response


def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "security/token_list.html", {"tokens": tokens})


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    audit.record(audit.Kind.TOKEN_REVOKE, request=request, obj=f"令牌#{pk}")
    messages.success(request, "已吊销该令牌。")
    return redirect("security:tokens")
