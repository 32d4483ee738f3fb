"""The login backend: Django's model backend behind the lockout (DESIGN §13).

Both doors (the browser login and the API token endpoint) call `authenticate()`, so both
count failures and both refuse a locked account. A locked account, an unknown user and a
wrong password get the same answer and take the same time (the password is hashed anyway).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from security import lockout
from security.audit import client_address


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request)
        if lockout.is_locked(username, address):
            get_user_model()().set_password(password)  # the same work as a real check
            lockout.record_failure(username, address, request)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.record_failure(username, address, request)
        else:
            lockout.clear_failures(username)
        return user
