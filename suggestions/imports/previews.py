"""An uploaded file waits between the preview and the confirmation in Django's default
storage (a folder every server shares, or S3 through django-storages), so the
confirmation may reach another application server than the upload did. Its random name
is kept in the user's session (in the database); the confirmation reads and checks the
file again. Files left over a day are removed when the next one is stored."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

PREFIX = "import-previews"
STALE_AFTER = dt.timedelta(days=1)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _name(token: str) -> str:
    if not TOKEN_RE.match(token or ""):
        raise ValueError("bad token")
    return f"{PREFIX}/{token}.xlsx"


def preview_store(data: bytes) -> str:
    """Keep `data` for the confirmation; returns its token."""
    _remove_stale()
    token = secrets.token_urlsafe(24)
    default_storage.save(_name(token), ContentFile(data))
    return token


def preview_read(token: str) -> bytes:
    """The stored file; OSError (gone) or ValueError (not a token) otherwise."""
    with default_storage.open(_name(token), "rb") as stored:
        return stored.read()


def preview_discard(token: str | None) -> None:
    if token:
        with contextlib.suppress(ValueError, OSError):
            default_storage.delete(_name(token))


def _remove_stale() -> None:
    cutoff = timezone.now() - STALE_AFTER
    with contextlib.suppress(OSError):
        for filename in default_storage.listdir(PREFIX)[1]:
            with contextlib.suppress(OSError, NotImplementedError):
                if default_storage.get_modified_time(f"{PREFIX}/{filename}") < cutoff:
                    default_storage.delete(f"{PREFIX}/{filename}")
