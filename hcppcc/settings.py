"""Settings for hcppcc, read from the environment.

One settings module for every environment (healthchecks style). Development defaults are
safe to run on a laptop; production is what you get with ``DJANGO_DEBUG`` unset, and it
refuses to start without a real ``DJANGO_SECRET_KEY``. docs/operations.md lists every
variable.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hcppcc.env import env_bool, env_int, env_list, env_str, insecure_secret_key_reason

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime files (the SQLite database, uploads in development) live here; git ignores it.
VAR_DIR = Path(env_str("HCPPCC_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

# Only ever used with DEBUG on: the check below refuses it (and anything like it) in
# production.
DEVELOPMENT_SECRET_KEY = "django-insecure-hcppcc-development-only-never-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (reason := insecure_secret_key_reason(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY {reason}. Production (DJANGO_DEBUG off) needs a random key of "
        "at least 50 characters, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Type-ahead pickers for units and members (before the admin, whose select2 they share).
    "dal",
    "dal_select2",
    # Django's admin, on a site that can require a second factor (HCPPCC_ADMIN_OTP).
    "hcppcc.core.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hcppcc.directory",
    "hcppcc.notices",
    "proposals",
    "activities",
    "pages",
    # Seeds, demo and scale generators: management commands only.
    "seeds",
    "axes",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session entered a one-time password.
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a signed-in user who holds a role.
    "hcppcc.directory.middleware.RoleRequiredMiddleware",
    # An account the office made (or sent a link for) changes its password before all else.
    "hcppcc.directory.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session ends after HCPPCC_SESSION_IDLE_SECONDS without a request, and after
    # SESSION_COOKIE_AGE in all.
    "hcppcc.directory.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The audit history records the signed-in user as the author of each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Logins, refusals (403) and scoped 404s go to the security log.
    "hcppcc.core.security.SecurityLogMiddleware",
    # Last, as django-axes asks: refuses sign-in for a locked username + address.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hcppcc.urls"
WSGI_APPLICATION = "hcppcc.wsgi.application"

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
                "hcppcc.directory.context_processors.roles",
                "pages.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL unset: a SQLite file under var/, so the quick start needs nothing installed.
# PostgreSQL 15 in production and CI: postgres://user:password@host:5432/name
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "hcppcc.sqlite3",
            # Several writers (a request and a background task) must wait, not fail.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
# On a cluster whose default ctype is C, pg_trgm extracts no trigrams from Chinese text.
# Point this at an empty database created with a UTF-8 ctype and the test database is
# copied from it (see .ci/run).
if template := env_str("DATABASE_TEST_TEMPLATE", ""):
    DATABASES["default"]["TEST"] = {"TEMPLATE": template}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks and cache -------------------------------------------------------
# Celery (hcppcc/celery.py) runs the large imports. Production: redis://127.0.0.1:6379/0.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# No broker: each task runs in the process that queued it, so the SQLite quick start needs
# no Redis and no worker; its errors are raised to the caller, not swallowed.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Callers follow a task through the cache and the database, never its return value, so
# there is no result backend.
CELERY_TASK_IGNORE_RESULT = True
# JSON only: a broker message is never unpickled into code.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
# What the beat process (``celery -A hcppcc beat``) starts: the units' reminders each
# morning and, every five minutes, the notices whose e-mail has not gone out yet.
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "proposals.tasks.send_daily_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "undelivered-notices": {
        "task": "hcppcc.notices.tasks.deliver_undelivered",
        "schedule": 5 * 60,
    },
}

# Import progress passes from a worker to the web process through the cache, so production
# (REDIS_URL, e.g. redis://127.0.0.1:6379/1) needs one cache that every process shares.
# Unset: each process keeps its own in memory, which is enough while tasks run eagerly.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "directory.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A link to set a password (forgotten, or the first one the office sends) lasts three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A session lasts at most 12 hours from sign-in, and ends after 30 minutes idle.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
HCPPCC_SESSION_IDLE_SECONDS = env_int("HCPPCC_SESSION_IDLE_SECONDS", 30 * 60)

# django-axes: after AXES_FAILURE_LIMIT failed sign-ins for one username from one address,
# that pair is locked out for HCPPCC_LOCKOUT_MINUTES (the office can unlock it sooner in the
# admin: 访问尝试 → delete the attempts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The audit history is read-only in the admin: no reverting to an old version.
SIMPLE_HISTORY_REVERT_DISABLED = True

# A one-time password (TOTP, any authenticator app) for admin access: off by default,
# "1" in production (docs/operations.md). The staff pages and the API do not ask for it.
HCPPCC_ADMIN_OTP = env_bool("HCPPCC_ADMIN_OTP", False)
# An API token lasts this long; asking again then gives a new one.
HCPPCC_API_TOKEN_HOURS = env_int("HCPPCC_API_TOKEN_HOURS", 12)
# An unfiltered list of a table with more rows than this reports PostgreSQL's estimate of
# its size rather than counting every row for each page (hcppcc/core/paging.py).
HCPPCC_EXACT_COUNT_BELOW = env_int("HCPPCC_EXACT_COUNT_BELOW", 100_000)
OTP_TOTP_ISSUER = "hcppcc"
# The admin's device pages never show a device's secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AXES_FAILURE_LIMIT = env_int("HCPPCC_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("HCPPCC_LOCKOUT_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # the security log (hcppcc/core/security.py) records lockouts instead
# The client's address (hcppcc/core/security.py): REMOTE_ADDR, or behind the trusted proxy the
# address it appended last to X-Forwarded-For (earlier entries are the client's own claim).
AXES_CLIENT_IP_CALLABLE = "hcppcc.core.security.client_address"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
CELERY_TIMEZONE = TIME_ZONE  # the beat schedule's hours are the office's
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if DEBUG:
    # WhiteNoise expects the folder even when it serves from the app folders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Files served at the site's root, which browsers ask for by themselves (/favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded documents: at most this size (hcppcc/core/files.py checks their type by content).
HCPPCC_MAX_UPLOAD_MB = env_int("HCPPCC_MAX_UPLOAD_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files in one request, and attachments on one proposal (proposals/services/drafting.py).
DATA_UPLOAD_MAX_NUMBER_FILES = 20
HCPPCC_MAX_ATTACHMENTS = env_int("HCPPCC_MAX_ATTACHMENTS", 20)
# Spreadsheet imports (proposals/services/imports.py): the largest file and row count taken
# at once, and above how many rows a check or import runs as a background task.
HCPPCC_IMPORT_MAX_MB = env_int("HCPPCC_IMPORT_MAX_MB", 30)
HCPPCC_IMPORT_MAX_ROWS = env_int("HCPPCC_IMPORT_MAX_ROWS", 100_000)
# An import replays each row's history through the services: about 6 to 10 rows a second,
# so only small files are worked within a request.
HCPPCC_IMPORT_INLINE_ROWS = env_int("HCPPCC_IMPORT_INLINE_ROWS", 100)
# A check or import whose worker has reported no progress for this long may be started again.
HCPPCC_IMPORT_STALL_MINUTES = env_int("HCPPCC_IMPORT_STALL_MINUTES", 15)

# --- Proposal handling rules ------------------------------------------------------------
# Deadlines differ from city to city; these are the defaults of the 2020 rules.
PROPOSAL_DEADLINES = {
    # Days a co-signer has to confirm a joint proposal (待会签).
    "cosign_days": env_int("HCPPCC_COSIGN_DAYS", 7),
    # Calendar months a lead or separate unit has to reply, from assignment.
    "reply_months": env_int("HCPPCC_REPLY_MONTHS", 3),
    # Calendar months a joint unit has to send its opinion to the lead unit.
    "joint_opinion_months": env_int("HCPPCC_JOINT_OPINION_MONTHS", 1),
    # Days after assignment within which a unit may ask to return a proposal (退办).
    "return_window_days": env_int("HCPPCC_RETURN_WINDOW_DAYS", 10),
    # Days the office has to decide a unit's request for more time.
    "extension_decision_days": env_int("HCPPCC_EXTENSION_DECISION_DAYS", 5),
    # Days the proposer has to give feedback after the reply is approved.
    "feedback_days": env_int("HCPPCC_FEEDBACK_DAYS", 15),
    # Calendar months a unit has to reply again after unsatisfied feedback.
    "rehandling_months": env_int("HCPPCC_REHANDLING_MONTHS", 1),
    # How many times unsatisfied feedback reopens handling; after that it closes.
    "max_rehandling_rounds": env_int("HCPPCC_MAX_REHANDLING_ROUNDS", 1),
}

# Where the office's daily reminder summary goes (comma-separated addresses).
HCPPCC_OFFICE_EMAILS = env_list("HCPPCC_OFFICE_EMAILS", "")
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "hcppcc@localhost")
# The site's address as its users reach it (https://…/): notices sent by e-mail link to the
# page where the matter is dealt with. Left empty, they carry no link.
HCPPCC_SITE_URL = env_str("HCPPCC_SITE_URL", "")
# Seconds before a failed e-mail is tried again; the pause doubles each time (at most 30 min).
HCPPCC_NOTICE_RETRY_SECONDS = env_int("HCPPCC_NOTICE_RETRY_SECONDS", 30)

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "hcppcc.core.api.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "hcppcc.core.api.pagination.Pagination",
    # ?format=csv|xlsx is an export of the list (hcppcc/core/api/exports.py), not a renderer choice.
    "URL_FORMAT_OVERRIDE": None,
    "EXCEPTION_HANDLER": "hcppcc.core.api.errors.exception_handler",
    # Deny by default, exactly as the pages do.
    "DEFAULT_PERMISSION_CLASSES": ["hcppcc.directory.permissions.HasRole"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "hcppcc.core.api.schema.Schema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hcppcc API",
    "DESCRIPTION": "Proposal tracking for a municipal CPPCC committee.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hcppcc.core.api.schema.document_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema describes a staff API: it is served to signed-in staff, like the rest.
    "SERVE_PERMISSIONS": ["hcppcc.directory.permissions.HasRole"],
    # Several models have a "status"; name each choice set after its own enum.
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "proposals.choices.ProposalStatus",
        "AssignmentStatusEnum": "proposals.choices.AssignmentStatus",
        "ReplyStatusEnum": "proposals.choices.ReplyStatus",
        "SatisfactionEnum": "proposals.choices.Satisfaction",
        "RequestDecisionEnum": "proposals.choices.RequestDecision",
        "LookBackDecisionEnum": "proposals.choices.LookBackDecision",
        "ActivityStatusEnum": "activities.choices.ActivityStatus",
        "ReportStatusEnum": "activities.choices.ReportStatus",
    },
}

# --- Security -------------------------------------------------------------------------
HCPPCC_BEHIND_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
# Only behind a TLS-terminating proxy that sets (and strips from clients) this header;
# otherwise a client could claim HTTPS (docs/operations.md).
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# Hard to undo once browsers have seen them: off unless the deployment says so.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "hcppcc.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # The security log: one JSON object a line, never a password or a token.
        "security": {
            "class": "logging.StreamHandler",
            "formatter": "json",
        },
    },
    "loggers": {
        "hcppcc.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
