"""The 安全管理员's pages (DESIGN §1, §13): users and their roles, locks, second-factor and
password resets, the password policy in force. Nothing here touches the audit log but to
write to it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from departments import roles
from departments.models import Role
from security import accounts
from security import lockout
from security import mfa
from security.models import AccessLock
from security.passwords import password_policy

PAGE_SIZE = 50


def _require(request) -> None:
    if not roles.may_manage_security(request.user):
        raise PermissionDenied("仅安全管理员可以使用安全管理功能。")


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def user_list(request):
    _require(request)
    users = get_user_model().objects.select_related("department").prefetch_related("groups")
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q)
        )
    page = Paginator(users.order_by("username", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/user_list.html", {"page": page, "q": q})


def user_detail(request, pk: int):
    _require(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    current = list(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    form = RolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            accounts.roles_set(
                user, roles=set(form.cleaned_data["roles"]), actor=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("roles", error)
        else:
            messages.success(request, f"已更新{user}的角色。")
            return redirect("security:user", pk=user.pk)
    context = {
        "subject": user,
        "form": form,
        "has_device": mfa.has_device(user),
        "locked": lockout.is_locked(user.get_username(), None),
    }
    return render(request, "security/user_detail.html", context)


@require_POST
def user_password_reset(request, pk: int):
    _require(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    password = accounts.password_reset(user, actor=request.user, request=request)
    return render(request, "security/password_issued.html", {"subject": user, "password": password})


@require_POST
def user_mfa_reset(request, pk: int):
    _require(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    mfa.reset(user, actor=request.user, request=request)
    messages.success(request, f"已重置{user}的双因素认证，其下次登录时须重新绑定。")
    return redirect("security:user", pk=user.pk)


def lock_list(request):
    _require(request)
    policy = {
        **password_policy(),
        "max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
        "max_failures": settings.LOGIN_MAX_FAILURES,
        "window": settings.LOGIN_FAILURE_WINDOW_MINUTES,
        "lockout": settings.LOGIN_LOCKOUT_MINUTES,
        "address_failures": settings.ADDRESS_MAX_FAILURES,
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "max_hours": settings.SESSION_MAX_HOURS,
        "mfa_required": settings.MFA_REQUIRED,
    }
    return render(
        request, "security/lock_list.html", {"locks": lockout.active_locks(), "policy": policy}
    )


@require_POST
def lock_release(request, pk: int):
    _require(request)
    lock = get_object_or_404(AccessLock, pk=pk)
    lockout.unlock(lock, actor=request.user, request=request)
    messages.success(request, "已解除锁定。")
    return redirect("security:locks")
