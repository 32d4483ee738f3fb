"""Rate limits counted in the database, so every server process shares one count (DESIGN
§13, §14): the API's throttles (config.api) count here.

A window opens at a key's first request and lasts `seconds`; each request adds one in a
single INSERT … ON CONFLICT DO UPDATE … RETURNING statement (PostgreSQL, and SQLite from
3.35), so concurrent requests on several servers never lose a count and a request costs
one query. Windows that ended more than a day ago are deleted by `prune_audit`."""

from __future__ import annotations

import time
from typing import NamedTuple

from django.db import connection

from security.models import RateCount

KEEP_ENDED_SECONDS = 86400


class Hit(NamedTuple):
    count: int  # requests in the window, this one included
    retry_after: float  # seconds until the window ends


def _upsert_sql() -> str:
    q = connection.ops.quote_name
    table, key, hits, ends = (
        q(RateCount._meta.db_table),
        q("key"),
        q("hits"),
        q("window_ends"),
    )
    return (
        f"INSERT INTO {table} ({key}, {hits}, {ends}) VALUES (%s, 1, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{hits} = CASE WHEN {table}.{ends} > %s THEN {table}.{hits} + 1 ELSE 1 END, "
        f"{ends} = CASE WHEN {table}.{ends} > %s THEN {table}.{ends} ELSE %s END "
        f"RETURNING {hits}, {ends}"
    )


def hit(key: str, *, seconds: float, now: float | None = None) -> Hit:
    """Count one request for `key`; the count so far in its window and when the window ends."""
    now = time.time() if now is None else now
    ends = now + seconds
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key[:200], ends, now, now, ends])
        count, window_ends = cursor.fetchone()
    return Hit(count=count, retry_after=max(window_ends - now, 0.0))


def prune(*, now: float | None = None) -> int:
    """Delete the windows that ended more than a day ago; the number deleted."""
    now = time.time() if now is None else now
    deleted, _ = RateCount.objects.filter(window_ends__lt=now - KEEP_ENDED_SECONDS).delete()
    return deleted
