"""Deputies' accounts and the co-signers' ratings (DESIGN §10).

Accounts reuse the security rooms: the one-time password of `security.accounts`, the
forced change of `must_change_password` (the gate in security/sessions.py), the lockout,
idle timeout and password rules every account has. The lead deputy's rating is not here:
it goes through `suggestions.services.feedback_record` like the office's 代录.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction

from departments import roles
from departments.models import Deputy
from departments.models import Role
from departments.models import User
from deputies.models import CosignerRating
from security import audit
from security.accounts import one_time_password
from suggestions.bounds import check_text
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Status


@dataclass(frozen=True)
class IssuedAccount:
    """One line of the printable sheet: shown once, never stored in clear."""

    deputy: Deputy
    username: str
    password: str


def deputy_username(deputy: Deputy) -> str:
    """`db` and the deputy's number: stable, ASCII, easy to read out on the phone."""
    return f"db{deputy.pk:05d}"


@transaction.atomic
def deputy_accounts_create(*, deputies, actor: User) -> list[IssuedAccount]:
    """Accounts for the deputies that have none, each with a one-time initial password
    (changed at the first login). Deputies that already have an account are left alone."""
    if not roles.is_office(actor):
        raise ValidationError("只有区政府办公室工作人员可以创建代表账号。", code="permission")
    group = Group.objects.get(name=Role.DEPUTY)
    issued = []
    for deputy in Deputy.objects.select_for_update().filter(
        pk__in=[d.pk for d in deputies], user__isnull=True, is_active=True
    ):
        username = deputy_username(deputy)
        if User.objects.filter(username=username).exists():
            raise ValidationError(f"用户名{username}已被占用，请联系系统管理员。", code="username")
        password = one_time_password()
        user = User(username=username, first_name=deputy.name, phone=deputy.phone)
        user.set_password(password)
        user.must_change_password = True
        user.save()
        user.groups.add(group)
        deputy.user = user
        deputy.save(update_fields=["user"])
        issued.append(IssuedAccount(deputy, username, password))
    return issued


def audit_issued(issued: list[IssuedAccount], *, request) -> None:
    """One audit event per account created (after the transaction, as every caller does)."""
    for account in issued:
        audit.record(
            audit.Kind.ADMIN_ACTION,
            request=request,
            obj=account.deputy.user,
            detail=f"创建代表账号（{account.deputy.name}），发放一次性初始密码",
        )


@transaction.atomic
def cosigner_rating_record(
    *, reply: Reply, actor: User, satisfaction: str, comment: str = ""
) -> CosignerRating:
    """A co-signing deputy rates the latest reply round once; it moves nothing."""
    check_text(comment=comment)
    s = reply.suggestion
    deputy = actor.deputy if roles.is_deputy(actor) else None
    if deputy is None or not s.co_signers.filter(pk=deputy.pk).exists():
        raise ValidationError("只有本件建议的联名代表可以在此评价。", code="permission")
    if s.status == Status.VOIDED or s.replies.filter(round__gt=reply.round).exists():
        raise ValidationError("只能评价本件建议最新一轮的答复。", code="state")
    if satisfaction not in Satisfaction.values:
        raise ValidationError("请选择满意度（满意、基本满意、不满意）。", code="satisfaction")
    comment = comment.strip()
    if satisfaction == Satisfaction.UNSATISFIED and not comment:
        raise ValidationError("选择不满意时，请填写具体意见。", code="comment")
    try:
        with transaction.atomic():
            return CosignerRating.objects.create(
                suggestion=s,
                reply=reply,
                deputy=deputy,
                satisfaction=satisfaction,
                comment=comment,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError("您已评价过本轮答复。", code="state") from None
