"""Password policy (DESIGN §13): at least 10 characters of three of four classes, not one of
the last five, changed every PASSWORD_MAX_AGE_DAYS, initial and reset passwords one-time.

The validators sit in AUTH_PASSWORD_VALIDATORS beside Django's own (whose messages Django
translates into Chinese). Django calls `password_changed` on every validator whenever a
user's password is saved, which is where the history, the change date and the revocation
of the user's API tokens happen.
"""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = (
    ("大写字母", lambda c: c.isascii() and c.isupper()),
    ("小写字母", lambda c: c.isascii() and c.islower()),
    ("数字", lambda c: c.isdigit()),
    ("符号", lambda c: c in string.punctuation or (not c.isalnum() and not c.isspace())),
)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese: Django 5.2 changed the English wording and
    its zh_Hans catalogue no longer matches it."""

    def get_error_message(self):
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self):
        return f"密码至少需要{self.min_length}个字符。"


class ComplexityValidator:
    """At least `min_classes` of upper case, lower case, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = [name for name, test in CLASSES if any(test(c) for c in password)]
        if len(used) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类"
                f"（现为{len(used)}类）。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"


class HistoryValidator:
    """Not one of the user's last `count` passwords; records each new one."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = user.password_history.values_list("password", flat=True)[: self.count]
        current = [user.password] if user.password else []
        if any(check_password(password, h) for h in [*current, *recent]):
            raise ValidationError(
                f"新密码不能与最近{self.count}次使用过的密码相同。", code="password_reused"
            )

    def get_help_text(self):
        return f"不能与最近{self.count}次使用过的密码相同。"

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from security import accounts

        accounts.on_password_changed(user, keep=self.count)


def password_policy() -> dict[str, int]:
    """The length, classes and history the configured validators enforce (the security
    pages show the policy in force, read from its owner)."""
    found = {}
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            found["min_length"] = validator.min_length
        elif isinstance(validator, ComplexityValidator):
            found["min_classes"] = validator.min_classes
        elif isinstance(validator, HistoryValidator):
            found["history"] = validator.count
    return found


def password_expired(user) -> bool:
    """Older than the policy's age (or never recorded), or a one-time password."""
    if user.must_change_password:
        return True
    changed = user.password_changed_at
    if changed is None:
        return False  # accounts from before the policy: dated at their next change
    return timezone.now() - changed > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
