"""The API's throttles, counted in the database (security.ratelimit) so that two or more
application servers share one count per user, address or scope. DRF's own throttles keep
their history in a cache; the default one lives in each process's memory, so behind a load
balancer a client would get the limit once per process."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.throttling import UserRateThrottle

from security import ratelimit


class DatabaseRateThrottle(SimpleRateThrottle):
    """A window per key opened by its first request, counted with one query a request."""

    retry_after: float = 0.0

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        hit = ratelimit.hit(key, seconds=self.duration)
        self.retry_after = hit.retry_after
        return hit.count <= self.num_requests

    def wait(self):
        return self.retry_after


class SharedAnonRateThrottle(AnonRateThrottle, DatabaseRateThrottle):
    """Anonymous requests, per client address (rate "anon")."""


class SharedUserRateThrottle(UserRateThrottle, DatabaseRateThrottle):
    """Signed-in requests per user, anonymous ones per address (rate "user")."""


class SharedScopedRateThrottle(ScopedRateThrottle, DatabaseRateThrottle):
    """A view's own rate (`throttle_scope`), e.g. the token endpoint's "token"."""
