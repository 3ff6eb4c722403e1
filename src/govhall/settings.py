"""govhall settings: one module, every value from the environment with an embedded default.

Environment variables (each is documented again in docs/operations.md):

- ``GOVHALL_ENV``: ``demo`` (default) or ``production``. Production refuses to start without
  ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
- ``GOVHALL_DATA_DIR``: the instance folder (SQLite database, uploads, generated secret key).
  Default ``./govhall-data``.
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/govhall``; default SQLite in the data folder.
- ``SECRET_KEY``: in demo mode generated once and kept in ``<data>/secret_key``.
- ``ALLOWED_HOSTS``: comma separated; demo default ``localhost,127.0.0.1,[::1],testserver``.
- ``GOVHALL_DEBUG``: ``1`` for Django's debug pages (never in production).
- ``GOVHALL_TOKEN_TTL_HOURS``: API bearer token lifetime, default 24.
- ``GOVHALL_LOGIN_FAILURE_LIMIT`` / ``GOVHALL_LOGIN_COOLOFF_MINUTES``: lockout, default 5 / 15.
- ``GOVHALL_CACHE_URL``: e.g. ``redis://127.0.0.1:6379/0`` to share cache (throttling) between
  processes; default an in-process cache.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


GOVHALL_ENV = env_str("GOVHALL_ENV", "demo")
if GOVHALL_ENV not in {"demo", "production"}:
    raise ImproperlyConfigured("GOVHALL_ENV must be 'demo' or 'production'")
PRODUCTION = GOVHALL_ENV == "production"

DATA_DIR = Path(env_str("GOVHALL_DATA_DIR", str(Path.cwd() / "govhall-data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when GOVHALL_ENV=production")
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting at once keep the same key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("GOVHALL_DEBUG", False) and not PRODUCTION

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when GOVHALL_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "govhall.core",
    "govhall.organizations",
    "govhall.accounts",
    "govhall.catalog",
    "govhall.exchange",
    "govhall.notifications",
    "govhall.cases",
    "govhall.licenses",
    "govhall.supervision",
    "govhall.interaction",
    "govhall.analytics",
    "govhall.housing",
    "govhall.api",
    "govhall.portal",
    "govhall.workbench",
    "govhall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "govhall.core.middleware.RequestIdMiddleware",
    "govhall.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govhall.urls"
WSGI_APPLICATION = "govhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govhall.portal.context_processors.site",
                "govhall.notifications.context_processors.unread_messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'govhall.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock when a
    # transaction starts, so two processes never deadlock upgrading a read lock.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
    # Tests use a file (not ":memory:") so that concurrency tests see real cross-connection locking.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_govhall.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------
_cache_url = env_str("GOVHALL_CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govhall.accounts.passwords.CharacterClassValidator"},
    {"NAME": "govhall.accounts.passwords.NotIdentifierValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:account"
LOGOUT_REDIRECT_URL = "portal:home"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

GOVHALL_TOKEN_TTL = timedelta(hours=env_int("GOVHALL_TOKEN_TTL_HOURS", 24))

AXES_FAILURE_LIMIT = env_int("GOVHALL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GOVHALL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "govhall.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Lockout is per account, not per IP: a whole service hall or a township agency point reaches us
# from one public address, and locking the address would lock out every citizen there. Request
# rates per address are limited by the API throttles instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "govhall.api.authentication.BearerTokenAuthentication",
        "govhall.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "govhall.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "govhall.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "govhall.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("GOVHALL_THROTTLE_ANON", "600/min"),
        "user": env_str("GOVHALL_THROTTLE_USER", "6000/min"),
        "register": env_str("GOVHALL_THROTTLE_REGISTER", "30/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govhall API",
    "DESCRIPTION": "网上办事大厅 REST API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_NAME_OVERRIDES": {
        "LoadStatusEnum": "govhall.exchange.models.Load.Status",
        "GrantStatusEnum": "govhall.exchange.models.Grant.Status",
        "UserKindEnum": "govhall.accounts.models.User.Kind",
        "AccessKindEnum": "govhall.exchange.models.AccessLogEntry.Kind",
        "ItemVersionStateEnum": "govhall.catalog.models.ItemVersion.State",
        "PushRoundStateEnum": "govhall.analytics.models.PushRound.State",
        "PublicityStateEnum": "govhall.cases.models_publicity.PublicityNotice.State",
        "ObjectionStateEnum": "govhall.cases.models_publicity.Objection.State",
        "ReverificationFlagStateEnum": "govhall.housing.models.ReverificationFlag.State",
    },
}

# --- internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from here after `collectstatic`
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads, notices and batch results in an S3-compatible object store (MinIO, OSS, COS, S3)
# instead of <data>/media: set the bucket and install the extra (pip install "govhall[s3]").
# Credentials: GOVHALL_S3_ACCESS_KEY / GOVHALL_S3_SECRET_KEY (or the usual AWS_* variables).
GOVHALL_S3_BUCKET = env_str("GOVHALL_S3_BUCKET", "")
if GOVHALL_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": GOVHALL_S3_BUCKET,
            "endpoint_url": env_str("GOVHALL_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("GOVHALL_S3_REGION", "") or None,
            "access_key": env_str("GOVHALL_S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("GOVHALL_S3_SECRET_KEY", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GOVHALL_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- govhall --------------------------------------------------------------------------------
GOVHALL_CITY_NAME = env_str("GOVHALL_CITY_NAME", "亳州市")
GOVHALL_WORKER_POLL_SECONDS = float(env_str("GOVHALL_WORKER_POLL_SECONDS", "1.0"))

# --- exchange -------------------------------------------------------------------------------
# Largest registry file a data officer may upload (CSV, Excel or JSON), in bytes.
GOVHALL_EXCHANGE_UPLOAD_MAX_BYTES = env_int("GOVHALL_EXCHANGE_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
# Most subjects in one batch verification request (POST /api/v1/exchange/verifications).
GOVHALL_EXCHANGE_BATCH_MAX = env_int("GOVHALL_EXCHANGE_BATCH_MAX", 50_000)

# --- notifications ----------------------------------------------------------------------
# SMS gateway plugin ("log" stores what it would send, visible in the admin) and its options
# (JSON), the e-mail channel ("django": Django's mail settings EMAIL_HOST ...) and its options,
# and how many times a message is tried before it is marked failed.
GOVHALL_SMS_GATEWAY = env_str("GOVHALL_SMS_GATEWAY", "log")
GOVHALL_SMS_GATEWAY_OPTIONS = json.loads(env_str("GOVHALL_SMS_GATEWAY_OPTIONS", "{}"))
GOVHALL_EMAIL_CHANNEL = env_str("GOVHALL_EMAIL_CHANNEL", "django")
GOVHALL_EMAIL_CHANNEL_OPTIONS = json.loads(env_str("GOVHALL_EMAIL_CHANNEL_OPTIONS", "{}"))
GOVHALL_NOTIFY_MAX_ATTEMPTS = env_int("GOVHALL_NOTIFY_MAX_ATTEMPTS", 8)

# --- cases ----------------------------------------------------------------------------------
# The public address of the portal, printed as the QR code on notices (progress page).
GOVHALL_PUBLIC_URL = env_str("GOVHALL_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Seals the departments' SM2 private keys of e-licenses (SM4 + HMAC-SM3); empty: SECRET_KEY.
GOVHALL_LICENSE_KEY_SECRET = env_str("GOVHALL_LICENSE_KEY_SECRET", "")
# Largest file an applicant may upload for one material, in bytes, and most pages of a PDF.
GOVHALL_UPLOAD_MAX_BYTES = env_int("GOVHALL_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
GOVHALL_UPLOAD_MAX_PDF_PAGES = env_int("GOVHALL_UPLOAD_MAX_PDF_PAGES", 200)
# Longest side of an uploaded image after normalization, in pixels.
GOVHALL_UPLOAD_IMAGE_MAX_SIDE = env_int("GOVHALL_UPLOAD_IMAGE_MAX_SIDE", 3000)
# The one extension of a case's time limit (行政许可法第四十二条: ten days), in working days.
GOVHALL_CASE_MAX_EXTENSION_DAYS = env_int("GOVHALL_CASE_MAX_EXTENSION_DAYS", 10)
# A TrueType CJK font (.ttf/.ttc) for PDF notices instead of the packaged WenQuanYi Micro Hei.
GOVHALL_PDF_FONT = env_str("GOVHALL_PDF_FONT", "")
GOVHALL_PDF_FONT_INDEX = env_int("GOVHALL_PDF_FONT_INDEX", 0)
# Pixels an uploaded image may have at most (decompression bombs are refused).
GOVHALL_UPLOAD_MAX_IMAGE_PIXELS = env_int("GOVHALL_UPLOAD_MAX_IMAGE_PIXELS", 64_000_000)
# Payment provider plugin for fees ("simulated" is the built-in demo provider).
GOVHALL_PAYMENT_PROVIDER = env_str("GOVHALL_PAYMENT_PROVIDER", "simulated")
# Express carrier plugin ("manual": staff type in the tracking numbers).
GOVHALL_CARRIER = env_str("GOVHALL_CARRIER", "manual")

# --- interaction (好差评, 咨询投诉) ------------------------------------------------------------
# Working days a department has to call back and rectify a bad review (cities use 5 or 15).
GOVHALL_RECTIFICATION_DAYS = env_int("GOVHALL_RECTIFICATION_DAYS", 5)
# Days after completion before an unrated case gets the SMS invitation to rate it.
GOVHALL_EVALUATION_INVITE_DAYS = env_int("GOVHALL_EVALUATION_INVITE_DAYS", 3)
# Working days to answer an enquiry (咨询) and a complaint (投诉).
GOVHALL_ENQUIRY_DAYS = env_int("GOVHALL_ENQUIRY_DAYS", 5)
GOVHALL_COMPLAINT_DAYS = env_int("GOVHALL_COMPLAINT_DAYS", 10)
# Departments (full names) whose acceptance-post staff run the 12345 hotline desk.
GOVHALL_HOTLINE_DEPARTMENTS = env_list(
    "GOVHALL_HOTLINE_DEPARTMENTS", ["亳州市数据资源管理局", "亳州市政务服务管理局"]
)

# --- analytics (绩效统计, 办件公示) -------------------------------------------------------------
# Seconds the public disclosure (办件公示) page and API keep their answer (same for everyone).
GOVHALL_DISCLOSURE_CACHE_SECONDS = env_int("GOVHALL_DISCLOSURE_CACHE_SECONDS", 60)

# --- supervision (电子监察) ----------------------------------------------------------------------
# How far back (days) the rule checks read refusals, payment orders and closed tasks.
SUPERVISION_RULE_LOOKBACK_DAYS = env_int("GOVHALL_SUPERVISION_RULE_LOOKBACK_DAYS", 30)
# A refusal or denial opinion shorter than this (characters, trimmed) counts as "without reasons".
SUPERVISION_MIN_REASON_LENGTH = env_int("GOVHALL_SUPERVISION_MIN_REASON_LENGTH", 5)
