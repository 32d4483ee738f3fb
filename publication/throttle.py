"""The public pages' rate limit (DESIGN §10): a fixed window per client address, counted in
the shared database cache so every server process sees the same count. The address is the
one the audit log and the lockout use (`security.audit.client_address`, through the
configured trusted proxies), so a forged X-Forwarded-For does not reset the count."""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

from security.audit import client_address


def over_limit(request) -> bool:
    """Count this request; True when its address has used up the window's allowance."""
    window = settings.PUBLIC_RATE_WINDOW_SECONDS
    key = f"public-rate:{client_address(request) or 'unknown'}:{int(time.time() // window)}"
    cache = caches["shared"]
    if cache.add(key, 1, timeout=window):
        return settings.PUBLIC_RATE_LIMIT < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.PUBLIC_RATE_LIMIT


def rate_limited(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if over_limit(request):
            response = render(
                request,
                "public/429.html",
                {"window_seconds": settings.PUBLIC_RATE_WINDOW_SECONDS},
                status=429,
            )
            response["Retry-After"] = str(settings.PUBLIC_RATE_WINDOW_SECONDS)
            return response
        return view(request, *args, **kwargs)

    return wrapper
