"""Test settings: the real settings, made fast and hermetic."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="suggestions-test-media-")
ALLOWED_HOSTS = ["*"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files straight from the app folders, as DEBUG does, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Generous API limits so tests are not throttled; the throttle test sets its own rate.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "token": "100000/min"},
}

# 我的待办's count on every page, so a test sees what another user's action changed at once;
# tests/suggestions/test_todo_badge.py sets its own.
# (bench/throughput.py sets it, to keep the count as production does.)
TODO_COUNT_SECONDS = env_int("TODO_COUNT_SECONDS", 0)  # noqa: F405

# The public pages' limit: high, so tests are not throttled; the 429 test sets its own.
PUBLIC_RATE_LIMIT = 100000

# The second factor is tested where it is the point (tests/security); elsewhere a login is
# a password login, as in the demo.
MFA_REQUIRED = False
# The test client and the live servers speak plain HTTP.
SECURE_SSL_REDIRECT = False
