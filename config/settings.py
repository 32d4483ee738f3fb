"""One settings module, driven by the environment (see .env.example).

Small helpers below fail loudly on a malformed value instead of guessing.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "departments",
    "suggestions",
    "deputies",
    "drafts",
    "similar",
    "reports",
    "documents",
    "notices",
    "downloads",
    "publication",
    "supervision",
    "django_tasks",
    "django_tasks_db",
    # After the apps above: its post_migrate grants the 系统管理员 permissions on them.
    "security",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.sessions.SecurityGateMiddleware",
    "suggestions.todo_badge.ForgetTodoCount",
    "deputies.middleware.DeputyFenceMiddleware",
    "config.middleware.NoStoreForUsersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.organisation",
                "departments.roles.template_roles",
                "notices.context_processors.unread_notifications",
                "suggestions.context_processors.todo",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL=postgresql://… switches to PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # PostgreSQL's JIT compiles the report's grouped pass for longer than the pass runs
    # (issue 17: 4.4 s of a 4.7 s query at a million items): off for this application.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH") or str(BASE_DIR / "db.sqlite3"),
            "OPTIONS": {
                # WAL lets readers work while one request writes; the busy timeout makes a
                # second writer wait instead of failing with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
# A streaming replica of the primary for reports and exports (config.db): when set, their
# reads go there; every write and every other read stay on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name the same kind of database as the primary "
            "(a PostgreSQL streaming replica of DATABASE_URL)."
        )
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Tests read the primary through the replica's name (the replica is not created).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "departments.User"
AUTHENTICATION_BACKENDS = ["security.backends.LockoutModelBackend"]
# DESIGN §13: at least 10 characters of three classes, not one of the last 5.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "security.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "security.passwords.ComplexityValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "security.passwords.HistoryValidator", "OPTIONS": {"count": 5}},
]
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)

# Lockout (DESIGN §13), counted in the database so it holds across processes.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
ADDRESS_MAX_FAILURES = env_int("ADDRESS_MAX_FAILURES", 20)

# Second factor: required for every account when DEBUG is off, unless turned off (the demo).
MFA_REQUIRED = env_bool("MFA_REQUIRED", not DEBUG)

# Sessions: 30 idle minutes, 12 hours in any case (security.sessions), in the database.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 1800)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Each process's own cache. Whatever several server processes must share (sessions, login
# failures and locks, the API's and the public pages' rate counts, import previews) lives in
# the database or the file storage, never here.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The public pages (/public/, DESIGN §10): requests per client address per window, counted
# in the database (publication.throttle, security.ratelimit).
PUBLIC_RATE_LIMIT = env_int("PUBLIC_RATE_LIMIT", 120)
PUBLIC_RATE_WINDOW_SECONDS = env_int("PUBLIC_RATE_WINDOW_SECONDS", 60)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "suggestions:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# Reply letters are served only through a view that checks permission, so no MEDIA_URL
# is routed anywhere.
MEDIA_URL = "/media-not-served/"
# Uploaded files (reply letters, evidence, import files between preview and confirmation,
# exports made in the queue): MEDIA_ROOT, or an S3-compatible object store (MinIO, a
# government cloud's OSS) through django-storages when FILE_STORAGE=s3. Several
# application servers need one of the two shared: a folder all mount, or the bucket.
FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")
if FILE_STORAGE == "local":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FILE_STORAGE == "s3":
    if not os.environ.get("S3_BUCKET"):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET")
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Private: files are served only through the permission-checked views.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3, got {FILE_STORAGE!r}")
# An Excel export longer than this is made in the queue (downloads/), never in a request.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 5000)
# An import confirmed with more rows is checked and written by the queue's worker.
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", 5000)
# 我的待办's count in the navigation is counted again after this many seconds, or after the
# user's own POST (suggestions.todo_badge); 0 counts on every page.
TODO_COUNT_SECONDS = env_int("TODO_COUNT_SECONDS", 30)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Content-Security-Policy (django-csp): nothing inline, nothing from another site. The
# API's Swagger page loads its settings as a script file (SpectacularSwaggerSplitView).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# HTTPS (DESIGN §13): on by default when DEBUG is off; the demo serves plain HTTP locally.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer's health probe may speak plain HTTP to the application server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)

# The organisation's names appear in reports and narrative; they are settings, not code.
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "上海市静安区人民政府")
ORGANISATION_SHORT_NAME = os.environ.get("ORGANISATION_SHORT_NAME", "区政府")
SYSTEM_NAME = os.environ.get("SYSTEM_NAME", "代表建议办理系统")
OTP_TOTP_ISSUER = SYSTEM_NAME  # the name authenticator apps show beside the code

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api_auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every API view names who may use it.
    "DEFAULT_PERMISSION_CLASSES": ["departments.roles.DenyAll"],
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api_auth.api_exception_handler",
    # Clients are told apart by REMOTE_ADDR unless a known number of proxies sits in front:
    # a forged X-Forwarded-For must not reset the login throttle.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
    "DEFAULT_THROTTLE_CLASSES": [
        # Counted in the database (security.ratelimit): every server process shares them.
        "config.api_throttles.SharedAnonRateThrottle",
        "config.api_throttles.SharedUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "6000/hour"),
        # Logins by token: a handful a minute per address stops password guessing.
        "token": os.environ.get("API_THROTTLE_TOKEN", "10/min"),
    },
}
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 8)
SPECTACULAR_SETTINGS = {
    "TITLE": "代表建议办理系统 API",
    "DESCRIPTION": (
        "以 `POST /api/v1/auth/token/` 获取令牌，请求时发送 `Authorization: Token <令牌>`。"
    ),
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SuggestionKindEnum": "suggestions.models.Kind",
        "FollowUpKindEnum": "suggestions.models.FollowUp.Kind",
        "DepartmentKindEnum": "departments.models.Department.Kind",
        "StatusEnum": "suggestions.models.Status",
        "OutcomeEnum": "suggestions.models.Outcome",
        "CloseReasonEnum": "suggestions.models.CloseReason",
        "RequestDecisionEnum": "suggestions.api.serializers.DECISIONS",
        "CountersignDecisionEnum": "suggestions.api.serializers.COUNTERSIGN_DECISIONS",
        "ReviewDecisionEnum": "suggestions.api.serializers.REVIEW_DECISIONS",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Notices (DESIGN §9). The queue is django-tasks with its database backend: the worker
# (`manage.py db_worker`) drains it; `make run` starts one beside runserver.
# /healthz fails when a queued task has waited longer than this (seconds): no worker runs.
HEALTH_QUEUE_MAX_WAIT = env_int("HEALTH_QUEUE_MAX_WAIT", 600)
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# E-mail: SMTP when EMAIL_HOST is set, the console otherwise (development, the demo).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
# The absolute address of the site, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# SMS: "console" (logged) or "http" (POST {"mobile", "text"} JSON to SMS_HTTP_URL with
# "Authorization: Bearer SMS_HTTP_TOKEN").
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
if SMS_BACKEND not in {"console", "http"}:
    raise ImproperlyConfigured(f"SMS_BACKEND must be console or http, got {SMS_BACKEND!r}")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 10)
if SMS_BACKEND == "http" and not SMS_HTTP_URL:
    raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_HTTP_URL")
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", SYSTEM_NAME)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
