"""Reports and exports read from a streaming replica when `DATABASE_REPLICA_URL` is set
(issue 17, DESIGN §14), so that the long reads of a report or a 100k-row export do not load
the primary that every clerk writes to.

A view or a queued job marks the reads to move with `replica_reads()` (a context manager
and a decorator). Inside it, `ReplicaRouter` sends reads of the domain's tables to
"replica"; everything else stays on the primary:
- every write, and every read outside `replica_reads()`;
- the tables a request needs to be current: the session, the user and their groups, the
  API's tokens, the second factor, the security records, notices, downloads and the task
  queue (a replica a
  second behind would otherwise log a user out, or miss the download just asked for).

A replica lags its primary by however long replication takes: a report or export begun a
moment after a change may not show it yet. Without `DATABASE_REPLICA_URL` the router is not
installed and `replica_reads()` changes nothing."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.conf import settings

REPLICA = "replica"

# The apps whose tables reports and exports read, less the user and the API's tokens (a
# token issued a moment ago must work at once).
ROUTED_APPS = frozenset(
    {"departments", "suggestions", "supervision", "reports", "deputies", "similar", "publication"}
)
KEPT_ON_PRIMARY = frozenset({settings.AUTH_USER_MODEL, "departments.ApiToken"})

_replica_reads = contextvars.ContextVar("replica_reads", default=False)


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads of the domain's tables inside go to the replica, when one is configured."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Installed by settings when `DATABASE_REPLICA_URL` is set."""

    def db_for_read(self, model, **hints):
        if not _replica_reads.get():
            return "default"
        label = model._meta
        if label.app_label in ROUTED_APPS and label.label not in KEPT_ON_PRIMARY:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica receives the primary's schema by replication
