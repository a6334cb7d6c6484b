"""techbridge settings — everything comes from the environment.

With no environment at all the platform runs in development mode on SQLite under
``var/``. ``TECHBRIDGE_ENV=production`` switches on the production hardening and makes
``SECRET_KEY`` mandatory. See README.md for the full list of variables.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
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


# Under pytest the default is "test" (fast hashing, a throw-away data directory), so a plain
# `pytest` run never touches the development database or search index in var/.
ENVIRONMENT = (
    (os.environ.get("TECHBRIDGE_ENV") or ("test" if "pytest" in sys.modules else "development"))
    .strip()
    .lower()
)
PRODUCTION = ENVIRONMENT == "production"

_default_data_dir = (
    Path(tempfile.mkdtemp(prefix="techbridge-test-")) if ENVIRONMENT == "test" else BASE_DIR / "var"
)
DATA_DIR = Path(os.environ.get("TECHBRIDGE_DATA_DIR") or _default_data_dir).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when TECHBRIDGE_ENV=production")
    # Development: generate once and keep it, so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "techbridge.core.views.csrf_failure"

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
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, no CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # techbridge apps — see ARCHITECTURE.md for what each owns and may import.
    "techbridge.core",
    "techbridge.audit",
    "techbridge.jobs",
    "techbridge.codes",
    "techbridge.accounts",
    "techbridge.organisations",
    "techbridge.imports",
    "techbridge.catalogue",
    "techbridge.search",
    "techbridge.matching",
    "techbridge.contracts",
    "techbridge.stats",
    "techbridge.notifications",
    "techbridge.brokerage",
    "techbridge.sharing",
    "techbridge.projects",
    "techbridge.supervision",
    "techbridge.notices",
    "techbridge.programmes",
    "techbridge.cultivation",
    "techbridge.chronicle",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "techbridge.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "techbridge.accounts.middleware.SessionTimeoutMiddleware",
    "techbridge.accounts.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "techbridge.urls"
WSGI_APPLICATION = "techbridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "techbridge.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default (WAL, IMMEDIATE transactions so writers queue instead of failing with
# "database is locked", FULL sync for registry data); DATABASE_URL switches to PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'techbridge.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # Reads through a memory map of the file (the OS page cache, shared by every
        # connection and worker) instead of copying pages into each new connection's own
        # cache: a request on a fresh connection starts warm (the free-instrument search's
        # first query per field: 56–145 ms → 45–55 ms). Plus a larger cache per connection.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;PRAGMA mmap_size=268435456;PRAGMA cache_size=-65536"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
_db["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions (RELIABILITY.md: 等保 2.0 level 3, ASVS L2) -------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out usernames before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "techbridge.accounts.passwords.RoleLengthValidator"},
    {"NAME": "techbridge.accounts.passwords.CharacterClassValidator"},
    {"NAME": "techbridge.accounts.passwords.StrengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (ADR 0017): memory-hard, and at Django's parameters (100 MiB, 2 passes)
# a check takes ~130 ms here against ~300 ms for PBKDF2 at 1,000,000 rounds. The PBKDF2
# hashers stay so that existing passwords still verify; each is re-hashed at its next login.
SECURE_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_HASHERS = SECURE_PASSWORD_HASHERS
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "core:home"

SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)  # absolute limit
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
STAFF_PASSWORD_MAX_AGE_DAYS = env_int("STAFF_PASSWORD_MAX_AGE_DAYS", 90)
# Personal API tokens expire; staff tokens live at most one session (SESSION_COOKIE_AGE).
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 90)
# Staff and administrators must confirm a TOTP code after the password (等保 two-factor).
# Off by default only in the test environment, where tests that exercise it switch it on.
STAFF_REQUIRE_TOTP = env_bool("STAFF_REQUIRE_TOTP", ENVIRONMENT != "test")
OTP_TOTP_ISSUER = "techbridge"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# Lock the account for the address that failed, not for everybody: locking by user name
# alone let anyone keep ``secadmin`` locked out from anywhere. The address is the socket
# address (or, behind our own proxies, the client address they report — see
# TRUSTED_PROXIES), so a forged or rotating X-Forwarded-For does not help. Across all
# addresses an account still takes at most LOGIN_FAILURES_PER_HOUR failures an hour
# (ASVS 2.2.1), enforced by the login form from the audit trail.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "techbridge.core.middleware.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
LOGIN_FAILURES_PER_HOUR = env_int("LOGIN_FAILURES_PER_HOUR", 100)
SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Production hardening ---------------------------------------------------------------
# Proxies whose X-Forwarded-For we believe (comma-separated addresses or networks). Behind
# the documented TLS proxy on the same host that is the loopback address.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
TRUSTED_PROXIES = [
    ip_network(item.strip(), strict=False)
    for item in os.environ.get(
        "TRUSTED_PROXIES", "127.0.0.1/32,::1/128" if BEHIND_TLS_PROXY else ""
    ).split(",")
    if item.strip()
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts only from our own static files (no inline script, no
# CDN), so an injected <script> or event attribute does not run even if escaping failed
# somewhere. Inline style attributes stay allowed (charts and table shading use them;
# styles cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous or badly authenticated API call then answers 401 with a
    # WWW-Authenticate header instead of a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "techbridge.accounts.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint that is public says so explicitly.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON numbers as exact decimals, never floats: 1e10 stays "1e10" for the amount
    # check instead of becoming "10000000000.0" (techbridge/core/api_money.py).
    "DEFAULT_PARSER_CLASSES": [
        "techbridge.core.api_money.DecimalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "techbridge.core.api.Pagination",
    "PAGE_SIZE": 20,
    # drf-spectacular's, plus the error answers every operation can give (core/api_schema.py).
    "DEFAULT_SCHEMA_CLASS": "techbridge.core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "techbridge.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "techbridge API",
    "DESCRIPTION": "Regional technology transfer platform — 区域技术转移平台",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a "status"; the catalogue's lifecycle gets a stable, readable name.
    "ENUM_NAME_OVERRIDES": {
        "RecordStatusEnum": "techbridge.catalogue.models.base.Status",
        "NoticeKindEnum": "techbridge.notices.models.NoticeKind",
        "ProgrammeFigureUnitEnum": "techbridge.programmes.api.FigureUnit",
        # The sharing rates' unit keeps its name beside the tier self-check's units.
        "UnitEnum": "techbridge.sharing.models.RateUnit",
        "RobotMessageStatusEnum": "techbridge.notifications.models.RobotMessageStatus",
        "OrganisationKindEnum": "techbridge.organisations.models.OrganisationKind",
        "DealStageEnum": "techbridge.brokerage.models.deals.DealStage",
        "ProjectStageEnum": "techbridge.projects.models.ProjectStage",
        "ResourceKindEnum": "techbridge.sharing.models.resources.ResourceKind",
        "OrderKindEnum": "techbridge.sharing.models.orders.OrderKind",
        "OrderStatusEnum": "techbridge.sharing.models.orders.OrderStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # The API is JSON; form encodings still parse but are not part of the contract.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # One path per catalogue kind and action instead of {kind}/{action} (core/api_schema.py).
    "PREPROCESSING_HOOKS": ["techbridge.core.api_schema.expand_schema_variants"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Search -----------------------------------------------------------------------------
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "tantivy")
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR") or DATA_DIR / "index")
# Index updates after commit go through a background thread (batched); tests index inline.
SEARCH_INDEX_ASYNC = env_bool("SEARCH_INDEX_ASYNC", ENVIRONMENT != "test")
# Matching prefers resources from the partner region (GB/T 2260 prefixes; 11 = Beijing).
MATCH_PARTNER_REGION_PREFIXES = env_list("MATCH_PARTNER_REGION_PREFIXES", ["11"])

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "techbridge@localhost")
# The address people open: links in e-mails (activation, password reset) point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Activation and reset links are single-use and die after this many seconds (3 days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# --- Technology market ------------------------------------------------------------------------
# The registering office in contract registration numbers (region code + 2-digit office).
CONTRACT_OFFICE_REGION = os.environ.get("CONTRACT_OFFICE_REGION", "520100")
CONTRACT_OFFICE_CODE = os.environ.get("CONTRACT_OFFICE_CODE", "01")

# --- Notifications ------------------------------------------------------------------------
# Channels every notification goes out on: inbox (in-app), email, webhook (posts JSON to
# NOTIFICATION_WEBHOOK_URL; off unless named here).
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", ["inbox", "email"])
NOTIFICATION_WEBHOOK_URL = os.environ.get("NOTIFICATION_WEBHOOK_URL", "")

# --- Job queue (ADR 0007) -------------------------------------------------------------------
# Empty = the database is the queue; redis://… or amqp://… = Dramatiq on that broker.
JOBS_BROKER_URL = os.environ.get("JOBS_BROKER_URL", "")
JOBS_BROKER_QUEUE = os.environ.get("JOBS_BROKER_QUEUE", "techbridge")

# Group-chat robots (ADR 0011): hosts a robot may post to, and the vendors' published limit.
ROBOT_WEBHOOK_HOSTS = env_list("ROBOT_WEBHOOK_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
ROBOT_PER_MINUTE = env_int("ROBOT_PER_MINUTE", 20)
ROBOT_TIMEOUT_SECONDS = float(os.environ.get("ROBOT_TIMEOUT_SECONDS") or 5)
ROBOT_RETRY_BASE_SECONDS = float(os.environ.get("ROBOT_RETRY_BASE_SECONDS") or 30)
ROBOT_RETRY_MAX_SECONDS = float(os.environ.get("ROBOT_RETRY_MAX_SECONDS") or 3600)
# Tests run each job right after its commit, in-process, so they see its effect at once.
JOBS_EAGER = env_bool("JOBS_EAGER", ENVIRONMENT == "test")
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)
JOBS_RETRY_BASE_SECONDS = float(os.environ.get("JOBS_RETRY_BASE_SECONDS") or 10)
JOBS_LOCK_TIMEOUT_SECONDS = env_int("JOBS_LOCK_TIMEOUT_SECONDS", 600)
JOBS_WORKER_THREADS = env_int("JOBS_WORKER_THREADS", 4)
JOBS_KEEP_DONE_DAYS = env_int("JOBS_KEEP_DONE_DAYS", 7)

# --- Audit --------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = max(180, env_int("AUDIT_RETENTION_DAYS", 180))

# --- Logging: no personal data, no forged lines ------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "techbridge.core.logging.RequestIdFilter"}},
    "formatters": {
        "safe": {
            "()": "techbridge.core.logging.SafeFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "safe",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # axes would log usernames and addresses of failures; the audit trail has them.
        "axes": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
    },
}

# --- Tests ------------------------------------------------------------------------------------
if ENVIRONMENT == "test":
    # Hashing cost is irrelevant to what the tests check and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
