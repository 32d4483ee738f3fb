"""The public pages' rate limit (DESIGN §10): a window per client address, counted in the
database (security.ratelimit, one query a request) so every server process sees the same
count. The address is the one the audit log and the lockout use
(`security.audit.client_address`, through the configured trusted proxies), so a forged
X-Forwarded-For does not reset the count."""

from __future__ import annotations

import functools
import math

from django.conf import settings
from django.shortcuts import render

from security import ratelimit
from security.audit import client_address


def over_limit(request) -> int:
    """Count this request; when its address has used up the window's allowance, the seconds
    until the window ends (at least 1), else 0."""
    key = f"public-rate:{client_address(request) or 'unknown'}"
    hit = ratelimit.hit(key, seconds=settings.PUBLIC_RATE_WINDOW_SECONDS)
    if hit.count <= settings.PUBLIC_RATE_LIMIT:
        return 0
    return max(math.ceil(hit.retry_after), 1)


def rate_limited(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        retry_after = over_limit(request)
        if retry_after:
            response = render(
                request,
                "public/429.html",
                {"window_seconds": settings.PUBLIC_RATE_WINDOW_SECONDS},
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        return view(request, *args, **kwargs)

    return wrapper
