"""What happens to an account around its password and roles: history and revocation on a
password change, one-time passwords set by the 安全管理员, role membership under 三员分立."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from departments.models import ADMIN_ROLES
from departments.models import ApiToken
from departments.models import Role
from security import audit
from security.models import PasswordHistory


def on_password_changed(user, *, keep: int) -> None:
    """Record the new hash, date the change and revoke the user's API tokens. Other
    browser sessions end by themselves: Django checks each session's password hash."""
    PasswordHistory.objects.create(user=user, password=user.password)
    old = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()
    user.password_changed_at = timezone.now()
    get_user_model().objects.filter(pk=user.pk).update(password_changed_at=user.password_changed_at)
    revoked, _ = ApiToken.objects.filter(user=user).delete()
    if revoked:
        audit.record(
            audit.Kind.TOKEN_REVOKE, user=user, obj=user, detail=f"修改密码，吊销{revoked}个令牌"
        )


def end_sessions(user) -> int:
    """End every browser session of `user` (a password reset or role change)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def one_time_password() -> str:
    """A random initial password meeting the policy; the user must change it at once."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{body[:5]}-{body[5:]}#{secrets.randbelow(90) + 10}"


@transaction.atomic
def password_reset(user, *, actor, request=None) -> str:
    """The 安全管理员 resets a password: a one-time password, sessions and tokens end."""
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    end_sessions(user)
    audit.record(audit.Kind.PASSWORD_RESET, request=request, user=actor, obj=user)
    return password


def _check_roles(user, roles: set[str]) -> None:
    admin_roles = roles & set(ADMIN_ROLES)
    if len(admin_roles) > 1:
        raise ValidationError(
            "系统管理员、安全管理员、审计管理员三者互相分离，一个账号只能担任其一。"
        )
    if admin_roles and roles - admin_roles:
        raise ValidationError("管理员账号不能同时担任业务角色。")
    if Role.HANDLER in roles and not user.department_id:
        raise ValidationError("承办单位经办人必须先由系统管理员设置所属承办单位。")


@transaction.atomic
def roles_set(user, *, roles: set[str], actor, request=None) -> None:
    """Set `user`'s roles (the 安全管理员's power); every change is audited."""
    roles = set(roles)
    if not roles <= set(Role.values):
        raise ValidationError("未知的角色。")
    _check_roles(user, roles)
    if user.pk == actor.pk:
        raise ValidationError("不能修改自己的角色。")
    before = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if before == roles:
        return
    user.groups.remove(*Group.objects.filter(name__in=before - roles))
    user.groups.add(*Group.objects.filter(name__in=roles - before))
    user.is_staff = Role.SYSADMIN in roles or user.is_superuser
    user.save(update_fields=["is_staff"])
    end_sessions(user)
    label = dict(Role.choices)
    audit.record(
        audit.Kind.ROLE_CHANGE,
        request=request,
        user=actor,
        obj=user,
        detail=f"{'、'.join(label[r] for r in sorted(before)) or '无'} → "
        f"{'、'.join(label[r] for r in sorted(roles)) or '无'}",
    )
