"""Settings for the Gaoqiao party-building portal, read from the environment.

With nothing set the portal runs on a laptop with no services: SQLite in the
project folder and Celery tasks executed eagerly in the web process.
``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` switch on the production parts.
"""

import datetime as dt
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The built-in key is for a laptop only: with DEBUG off the portal refuses to
# start on it (sessions and password-reset links would be forgeable). `make demo`
# sets DEBUG=1; a test run (pytest sets PYTEST_VERSION) gets a throwaway key.
INSECURE_KEY = "django-insecure-gaoqiao-laptop-only-key-change-me"
DEBUG = env.bool("DEBUG", default=False)
_testing = "PYTEST_VERSION" in os.environ
SECRET_KEY = env("SECRET_KEY", default="tests-only-" + INSECURE_KEY if _testing else INSECURE_KEY)
if not DEBUG and SECRET_KEY == INSECURE_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the built-in laptop key while DEBUG is off: set SECRET_KEY to a long random string "
        "(README, 'Running in production'), or DEBUG=1 on a laptop."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "treebeard",
    "axes",
    "simple_history",
    # core
    "portal",
    "accounts",
    "branches",
    "members",
    # features
    "notices",
    "meetings",
    "disclosure",
    "assessment",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.errors.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.NoStoreMiddleware",
    # With DEBUG=1 (make demo) a 404 is still the portal's own Chinese page.
    "portal.middleware.PortalNotFoundMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it turns a locked login into the lockout page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gaoqiao.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "gaoqiao.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_is_postgres = DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))
# Persistent connections: measured here, a 50-row page serves 97 req/s without
# them and 361 req/s with them on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if _is_postgres else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if _is_postgres:
    # A database that does not answer fails a request after this many seconds
    # instead of hanging it (libpq's minimum is 2); /healthz relies on it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=2)
else:
    # SQLite waits for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django's form renderer, with the plain widgets (inputs, textarea, select, check and radio boxes) written
# in Python: the same markup without a template render per widget and per <option> (portal/renderer.py).
FORM_RENDERER = "portal.renderer.PythonWidgetsRenderer"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The first backend refuses a locked login before any password is checked.
AUTHENTICATION_BACKENDS = ["accounts.lockout.LockoutBackend", "accounts.backends.PortalModelBackend"]

# Lockout (django-axes, accounts.lockout): 5 wrong passwords for one account from one
# address lock that pair for an hour; a town admin can unlock it sooner in the admin.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCK_MINUTES", default=60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # unlocking is the user list's action, scoped like every login
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False
# API tokens expire; a new password (or a deactivated login) ends them at once.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# No LOCALE_PATHS: the source strings are Simplified Chinese already, so the project has no catalogues.

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded rosters and error reports: never under MEDIA_ROOT, never served by URL (portal.storage).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs `collectstatic` first, so it is a production switch.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "whitenoise.storage.CompressedStaticFilesStorage",
    },
}

REDIS_URL = env("REDIS_URL", default="")

# The address printed under each board's QR code and in its poster, e.g.
# https://dangjian.example.gov.cn; empty: the host the request came in on.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")
# How long a web process serves a cached public board from its own memory before asking the
# shared cache whether it was published since (disclosure.cache): the most a reader waits for a publish.
PUBLIC_BOARD_RECHECK_SECONDS = env.float("PUBLIC_BOARD_RECHECK_SECONDS", default=1.0)

# The cache may live in a Redis database of its own (REDIS_CACHE_URL): emptying it then never
# touches the broker's queued tasks.
REDIS_CACHE_URL = env("REDIS_CACHE_URL", default=REDIS_URL)
if REDIS_CACHE_URL:
    # Django's Redis cache, sharing one client per connection pool (portal/cache.py).
    CACHES = {"default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": REDIS_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no broker configured, tasks run in-process (eager) so a laptop
# needs no Redis and no worker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# The queue tasks go to and workers read (several test processes share one Redis: one each).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A rule, meeting type, branch, party group or area change drops every branch's compliance figures: once it
# commits, the worker counts them again (meetings.figures_cache), not the next reader. Off when tasks run
# eagerly: the write would count the whole tree itself.
MEETINGS_RECOUNT_ON_CHANGE = env.bool("MEETINGS_RECOUNT_ON_CHANGE", default=not CELERY_TASK_ALWAYS_EAGER)
# Mail: notices go out through Django's mail backend (console on a laptop).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="高桥党建 <noreply@localhost>")

# Each worker child's address space, in MB (portal.limits): an upload that still asks for
# more fails with a message and the worker lives. 0: no ceiling.
WORKER_MEMORY_LIMIT_MB = env.int("WORKER_MEMORY_LIMIT_MB", default=3072)
CELERY_BEAT_SCHEDULE = {
    "roster-imports-expire": {"task": "members.tasks.roster_imports_expire", "schedule": 60 * 60},
    "roster-imports-recover": {"task": "members.tasks.roster_imports_recover", "schedule": 60},
    "disclosure-items-publish-due": {"task": "disclosure.tasks.items_publish_due", "schedule": 60},
    # Missed milestones and monthly key-task targets, flagged each morning.
    "projects-flag-delays": {
        "task": "projects.tasks.projects_flag_delays",
        "schedule": crontab(hour=6, minute=20),
    },
    # Daily: board fixtures needing fixing open rectification items (closed once checked 达标); overdue ones flagged.
    "assessment-rectifications-overdue": {
        "task": "assessment.tasks.rectifications_flag_overdue",
        "schedule": crontab(hour=1, minute=30),
    },
    # Nightly: members' attendance at meetings credited as pioneer-index points.
    "assessment-points-attendance": {
        "task": "assessment.tasks.points_credit_attendance",
        "schedule": crontab(hour=2, minute=10),
    },
    # The first week of January and July: each branch's pioneer-index ranking of the half year just ended
    # goes on its board (the same ranking again makes no new version; a late entry becomes a correction).
    "assessment-pioneer-rankings": {
        "task": "assessment.tasks.pioneer_rankings_publish_due",
        "schedule": crontab(hour=3, minute=30, day_of_month="1-7", month_of_year="1,7"),
    },
    # The first week after a quarter ends: its briefing compiled for every town (a ready one is left alone).
    "assessment-briefings": {
        "task": "assessment.tasks.briefings_compile_due",
        "schedule": crontab(hour=3, minute=0, day_of_month="1-7", month_of_year="1,4,7,10"),
    },
    # Daily at 06:00 local time: open and close flags for overdue meetings, remind of periods ending in a week.
    "meetings-flag-overdue": {
        "task": "meetings.tasks.flag_overdue_meetings",
        "schedule": crontab(hour=6, minute=0),
    },
    # Just after local midnight: every branch's compliance figures for the new day counted and kept (the day
    # is in their keys), so the first view of the day reads them from the cache.
    "meetings-count-compliance-figures": {
        "task": "meetings.tasks.count_compliance_figures",
        "schedule": crontab(hour=0, minute=2),
    },
}

# Roster import jobs: a running job bumps its heartbeat every HEARTBEAT seconds; one
# silent for STALE seconds is taken back and rerun, up to MAX_ATTEMPTS runs, then failed.
ROSTER_IMPORT_HEARTBEAT_SECONDS = env.float("ROSTER_IMPORT_HEARTBEAT_SECONDS", default=10)
ROSTER_IMPORT_STALE_SECONDS = env.float("ROSTER_IMPORT_STALE_SECONDS", default=120)
ROSTER_IMPORT_MAX_ATTEMPTS = env.int("ROSTER_IMPORT_MAX_ATTEMPTS", default=3)

# Seconds each /healthz ping may take per step (connect, then answer) before the
# dependency counts as down: a dead Redis makes /healthz a 503 well inside a second.
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=0.4)

# 三会一课: a meeting record is locked this many days after it was held; flags look back this far.
MEETINGS_LOCK_DAYS = env.int("MEETINGS_LOCK_DAYS", default=30)
MEETINGS_OVERDUE_LOOKBACK_DAYS = env.int("MEETINGS_OVERDUE_LOOKBACK_DAYS", default=365)
MEETINGS_REMIND_DAYS = 7
MEETINGS_PHOTO_MAX_BYTES = 10 * 1024 * 1024
MEETINGS_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

REST_FRAMEWORK = {
    # Token first: a request with no credentials hears 401 with `WWW-Authenticate: Token`
    # (the first class decides the challenge); the browser's session still works.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.StandardPagination",
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "portal.api.StrictMultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "accounts.scope_api.ScopedFilterBackend",
        "portal.api.StrictSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "高桥党建 API",
    "DESCRIPTION": "高桥镇基层党建管理平台接口：组织、党员及后续业务。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        # Two apps have a "category" field: each enum gets a name of its own.
        "MemberCategoryEnum": "members.models.Member.Category",
        "ProjectCategoryEnum": "projects.models.Category",
        "ProjectStatusEnum": "projects.models.Status",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "AttendanceStatusEnum": "meetings.models.Attendance.Status",
        # A branch's "kind" and a transfer's "kind" (and its "status") are different sets.
        "TransferKindEnum": "members.models.MemberTransfer.Kind",
        "TransferStatusEnum": "members.models.MemberTransfer.Status",
        # The 党务公开 item's category and state are named by the item, in the list and the record alike.
        "ItemCategoryEnum": "disclosure.models.Category",
        "WorkingCopyStateEnum": "disclosure.models.Item.State",
    },
    # Browsers use the session; the contract documents the token, the door for API clients.
    "AUTHENTICATION_WHITELIST": ["accounts.authentication.ExpiringTokenAuthentication"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.document_error_responses",
    ],
}

# Change history is read in the admin; changes go through the services, never a "revert".
SIMPLE_HISTORY_REVERT_DISABLED = True

# Production hardening, switched on by the environment behind HTTPS.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# With Redis, sessions are read from the shared cache and written through to the database
# (portal.sessions): a page costs no session query, and a cache that is emptied or down only means
# reading the table. Without it (a laptop) they stay in the database: a per-process memory cache
# would keep a session alive in one worker after logging out in another.
SESSION_ENGINE = "portal.sessions" if REDIS_CACHE_URL else "django.contrib.sessions.backends.db"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "members.pii.PersonalDataLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_personal_data"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # runserver's request lines go through the same redaction (Django gives them a handler of their own).
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},  # a line per login otherwise; lockouts still show
    },
}
