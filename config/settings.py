"""Settings for Secretariat, read from environment variables (12-factor)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    DEVELOPMENT_SECRET_KEY,
    MISSING_SECRET_KEY,
    envbool,
    envint,
    envlist,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", "false")
# Production refuses to start without SECRET_KEY. The built-in development key serves only
# with DEBUG=true (`make demo`) or when SECRETARIAT_ALLOW_INSECURE_KEY=true says so
# explicitly (the benchmark); `check --deploy` then fails (secretariat.E001). The test suite
# and the type checker get a throw-away key from config/testenv.py.
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or envbool("SECRETARIAT_ALLOW_INSECURE_KEY", "false"):
        SECRET_KEY = DEVELOPMENT_SECRET_KEY
    else:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    # The admin, read-only for every model, with no login of its own (core/admin_site.py).
    "secretariat.core.admin_site.SecretariatAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules",
    "simple_history",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "secretariat.core",
    "secretariat.members",
    "secretariat.governance",
    "secretariat.elections",
    "secretariat.finance",
    "secretariat.api",
]

MIDDLEWARE = [
    "secretariat.core.request_id.RequestIdMiddleware",
    # Oversized bodies and rate-limited senders are refused before anything reads the body.
    "secretariat.core.limits.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "secretariat.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "secretariat.core.middleware.StaffSessionMiddleware",
    "secretariat.core.middleware.StaffMFAMiddleware",
    "secretariat.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "secretariat" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "secretariat.core.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite by default (embedded), PostgreSQL when DATABASE_URL says so.
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", "60"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Concurrent writers queue (IMMEDIATE + busy timeout) instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif envbool("DATABASE_POOL", "false"):
    # A pool of connections per process (psycopg_pool), the way to reuse connections under
    # the ASGI server, where each request runs in a thread of its own (decision 0014).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": envint("DATABASE_POOL_SIZE", "8"),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# django-allauth: accounts are people, identified by e-mail; no open sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = envstr("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_ADAPTER = "secretariat.core.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "5/m/ip,5/5m/key", "reset_password": "5/m/ip"}
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Secretariat"

LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
]
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es",)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = envstr("TIME_ZONE", "America/Mexico_City")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", "false")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: refuse large bodies before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
SECRETARIAT_MAX_UPLOAD_BYTES = envint("SECRETARIAT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))

# Throttling (issue #9). Login (allauth, ACCOUNT_RATE_LIMITS above) and the public
# affiliation form count in the "default" cache, which every process shares (below). They
# count by the client's address (core/client.py): REMOTE_ADDR unless the reverse proxies in
# front are declared, either as how many of them append to X-Forwarded-For, or as the header
# the proxy always sets (e.g. X-Real-IP). Declare them only when every request comes through
# them: a client that can reach the server directly could then choose its address.
SECRETARIAT_TRUSTED_PROXY_COUNT = envint("SECRETARIAT_TRUSTED_PROXY_COUNT", "0")
SECRETARIAT_TRUSTED_CLIENT_IP_HEADER = envstr("SECRETARIAT_TRUSTED_CLIENT_IP_HEADER", "")
if SECRETARIAT_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("SECRETARIAT_TRUSTED_PROXY_COUNT must be 0 or more")
ALLAUTH_TRUSTED_PROXY_COUNT = SECRETARIAT_TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = SECRETARIAT_TRUSTED_CLIENT_IP_HEADER or None

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "secretariat@localhost")
SERVER_EMAIL = envstr("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); the password may be a file.
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")

# Background work (decision 0006): documents and e-mails are built and sent by a worker
# (`manage.py db_worker`) reading a queue in the database. "immediate" runs each task as
# soon as it is queued, in the same process (the test suite; a machine without a worker).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = envstr("TASKS_BACKEND", "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
# A failed e-mail is tried again after these many seconds, then given up (and shown so).
SECRETARIAT_EMAIL_RETRY_SECONDS = [60, 300, 1800, 7200]

# The action log's anchor outside the database (decision 0010). The key is an Ed25519
# private key (32 bytes in base64, or PEM), from ACTION_LOG_SIGNING_KEY or the file
# ACTION_LOG_SIGNING_KEY_FILE names (`manage.py action_log_key` makes one); it is never
# stored in the database. Every process that writes the log seals each new row with it; the
# checkpoints it signs are appended to a file in SECRETARIAT_CHECKPOINT_DIR and e-mailed to
# the Comptroller (`manage.py checkpoint_action_log`, run hourly by a timer). Keys retired
# by a rotation stay listed (base64, separated by commas or spaces) so that what they
# sealed and signed still verifies.
ACTION_LOG_SIGNING_KEY = envstr("ACTION_LOG_SIGNING_KEY", "")
ACTION_LOG_RETIRED_KEYS = envstr("ACTION_LOG_RETIRED_KEYS", "").replace(",", " ").split()
# CHECKPOINT_DIR may be relative: to BASE_DIR.
SECRETARIAT_CHECKPOINT_DIR = BASE_DIR / envstr("CHECKPOINT_DIR", "var/checkpoints")

# Backups (`manage.py backup`, `make backup`; `manage.py restore`): dated archives with a
# checksum; BACKUP_DIR may be relative: to BASE_DIR. They never hold the signing key.
SECRETARIAT_BACKUP_DIR = BASE_DIR / envstr("BACKUP_DIR", "var/backups")

# "default" is shared by every process (login throttling, rate limits, the worker's
# heartbeat): Redis when REDIS_URL is set, else a table of the database (made by core's
# migration 0003). "local" holds what a process may keep for itself (rendered pages and
# fragments, the session roll, all keyed by what they depend on): Redis too when
# configured, so the workers share them, else each process's memory.
_REDIS_URL = envstr("REDIS_URL", "")
if _REDIS_URL:
    _SHARED = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
    CACHES = {"default": _SHARED, "local": _SHARED}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "secretariat_cache",
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
CACHES["template_fragments"] = CACHES["local"]

# Server push (decision 0011, secretariat/core/push.py): live pages hold an event stream
# open; each process's hub reads the versions of the sessions they follow. With Redis, every
# process publishes changes there and the hub wakes at once (the periodic read is only a
# safety net); without it, the periodic read of the database is the broker.
SECRETARIAT_LIVE_REDIS_URL = envstr("LIVE_REDIS_URL", _REDIS_URL)
SECRETARIAT_LIVE_POLL_SECONDS = float(
    envstr("LIVE_POLL_SECONDS", "5" if SECRETARIAT_LIVE_REDIS_URL else "0.25")
)

SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "false") else None
)
# The health probes answer on plain HTTP too (a monitor on the machine itself).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Staff roles must use a second factor (TOTP); the demo may relax it explicitly.
SECRETARIAT_REQUIRE_STAFF_MFA = envbool("SECRETARIAT_REQUIRE_STAFF_MFA", "true")
# A staff session ends after these many minutes without a request; signing minutes, closing
# a vote, approving a request and granting a role ask for the code again (allauth's
# reauthentication) when the session's last authentication is older than REAUTH_MINUTES.
SECRETARIAT_STAFF_IDLE_MINUTES = envint("SECRETARIAT_STAFF_IDLE_MINUTES", "30")
SECRETARIAT_REAUTH_MINUTES = envint("SECRETARIAT_REAUTH_MINUTES", "10")
ACCOUNT_REAUTHENTICATION_TIMEOUT = SECRETARIAT_REAUTH_MINUTES * 60
SECRETARIAT_PAGE_SIZE = envint("SECRETARIAT_PAGE_SIZE", "25")

# /readyz fails when the task worker's last heartbeat (queued every minute by the timer
# running `manage.py worker_heartbeat`, written by the worker) is older than this.
SECRETARIAT_HEARTBEAT_MAX_AGE = envint("HEARTBEAT_MAX_AGE", "180")

# Logs go to standard error (journald under systemd). LOG_FORMAT=json writes one JSON object
# per line (time, level, logger, message, request_id; the request log adds method, path,
# status and duration_ms); "plain" (the default) is for people. Every line carries the
# request id, which the action-log row of the request records too.
LOG_FORMAT = envstr("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "secretariat.core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "secretariat.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    # One line per request: INFO shows them, WARNING (REQUEST_LOG_LEVEL) silences them.
    "loggers": {"secretariat.request": {"level": envstr("REQUEST_LOG_LEVEL", "INFO")}},
}

NINJA_PAGINATION_PER_PAGE = 50
FORM_RENDERER = "secretariat.core.forms.FormRenderer"
