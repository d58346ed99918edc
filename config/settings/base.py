"""Settings for every environment; values that differ between installations come from the environment."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import warnings
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_broker_url,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_secret_list,
    env_str,
    env_time_zone,
    env_url,
    read_dotenv,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
read_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", min_length=32)
# Former secret keys, still accepted for signatures and for reading personal data encrypted under them (a changed
# SECRET_KEY: `manage.py rotate_encryption_keys` then re-encrypts with the new one, and the old can go).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"])

INSTALLED_APPS = [
    "core.admin_site.HotlineAdminConfig",  # django.contrib.admin, the hotline's apps listed first
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",  # its serializer checks user name and password; tokens are knox's
    "knox",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "accounts",
    "workorders",
    "hotline",
    "knowledge",
    "analytics",
    "open311",
    "calls",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",  # a page without its database: 503, not 500
    "core.staticfiles.StaticFilesMiddleware",  # WhiteNoise: hashed files cached for a year
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout answer
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
                "workorders.context_processors.permissions",
            ],
        },
    }
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several threads of the web server and the in-process scheduler share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Personal data at rest (workorders.encryption): the caller's name and phone, the raw appeal, the submissions'
# raw bodies and payloads and the orders' field changes are encrypted (django-fernet-encrypted-fields: Fernet keys
# derived from SECRET_KEY with each of these keys). The first key encrypts, all of them decrypt: a new key goes
# first, then `manage.py rotate_encryption_keys` re-encrypts everything and the old key can be removed.
# Phones are found again through a keyed hash (HMAC-SHA256) under PERSONAL_DATA_HASH_KEY, a different secret.
# In production (HTTPS=true) both must be set; `make run` and the tests use keys derived from SECRET_KEY.
HTTPS = env_bool("HTTPS", False)
_field_keys = env_secret_list("FIELD_ENCRYPTION_KEYS", min_length=32)
_hash_key = env_str("PERSONAL_DATA_HASH_KEY", "", min_length=32)
PERSONAL_DATA_KEYS_FROM_ENVIRONMENT = bool(_field_keys and _hash_key)
if HTTPS and not PERSONAL_DATA_KEYS_FROM_ENVIRONMENT:
    raise ImproperlyConfigured(
        "In production (HTTPS=true) set FIELD_ENCRYPTION_KEYS and PERSONAL_DATA_HASH_KEY (docs/security.md: "
        "personal data at rest); each at least 32 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
SALT_KEY = _field_keys or ["hotline-development-field-encryption"]  # the library derives the keys with SECRET_KEY
PERSONAL_DATA_HASH_KEY = _hash_key or hmac.new(SECRET_KEY.encode(), b"personal-data-hash", hashlib.sha256).hexdigest()

# Login lockouts and API throttles count in the cache: one process needs nothing more; several web processes
# (gunicorn) share a Redis cache, e.g. CACHE_URL=redis://127.0.0.1:6379/2.
_cache_url = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
# Failed logins (pages, admin, API token) are counted by django-axes; the first backend refuses a locked-out
# account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
# Locked per account (whatever the address) and per address (whatever the account): guessing one password from
# many addresses and many passwords from one address both stop.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)  # behind nginx: 1 (X-Forwarded-For)
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# A shift, not two weeks: a session ends after SESSION_HOURS without a new login (and when the browser closes if
# SESSION_EXPIRE_AT_BROWSER_CLOSE is set).
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Behind HTTPS (HTTPS=true, the production setting; nginx terminates TLS and sets X-Forwarded-Proto): redirect
# plain HTTP, send HSTS, mark the cookies Secure. Off by default so that `make run` works on http://127.0.0.1.
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# The browsers' HSTS preload list is for public domains; a city intranet's host is never on it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", HTTPS) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script and style is a file of our own: no inline script runs (plotly.js and htmx add style elements, so
# styles may be inline). Checked in the browser tests, which fail on any CSP violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # ReDoc parses the schema in a worker it creates from a blob
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "zh-hans", [code for code, _name in LANGUAGES])
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# plotly.js ships inside the plotly package: served from there as static/plotly/plotly.min.js, never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("plotly", Path(importlib.util.find_spec("plotly").origin).parent / "package_data"),
]
# Static files are collected under hashed names with gzip copies (core.staticfiles; `manage.py serve` collects them
# when they changed, another server runs `manage.py collectstatic` at deployment) and served by WhiteNoise with
# "Cache-Control: max-age=31536000, public, immutable": a browser fetches plotly.js (4.8 MB, 1.4 MB gzipped) once.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.staticfiles.HashedStaticFilesStorage"},
}
# Until they are collected, the files are served by their plain names from the apps' static folders (60 s cache).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",  # knox's tokens, read in one query
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.StrictJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    # Scoped rates (per user, per address when anonymous): token requests, and intake per connected system.
    "DEFAULT_THROTTLE_RATES": {
        "auth": env_str("API_AUTH_RATE", "20/min"),
        "intake": env_str("API_INTAKE_RATE", "3600/min"),
        # the public reads of the Open311 endpoint, per address (its posts count as intake of their system)
        "open311": env_str("OPEN311_READ_RATE", "600/min"),
    },
}
# Open311 GeoReport v2 (docs/open311.md): what discovery tells the apps about who runs the endpoint and how a
# connected system gets its api_key.
OPEN311 = {
    "CONTACT": env_str("OPEN311_CONTACT", "12345 市民服务热线"),
    "KEY_SERVICE": env_str("OPEN311_KEY_SERVICE", "api_key 由热线管理员在管理后台（Open311 API 密钥）为接入系统签发。"),
}
# API tokens (django-rest-knox): stored as hashes, expiring after API_TOKEN_HOURS (a shift) unless issued for a
# connected system by `manage.py issue_token USER --days N`.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_HOURS", 10, minimum=1)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "12345 Hotline Work-Order API",
    "DESCRIPTION": "Submit citizen calls and messages, read and act on work orders.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema and docs behind login
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "workorders.choices.Status",
        "AssignmentStatusEnum": "workorders.choices.AssignmentStatus",
        "ExtensionStatusEnum": "workorders.choices.ExtensionStatus",
        "ReturnReasonEnum": "workorders.choices.ReturnReason",
        "ChannelEnum": "workorders.choices.Channel",
    },
}

# Tasks: with no broker configured they run in the web process (eager), and the periodic ones are
# driven by the scheduler thread started by `manage.py serve`.
_broker_url = env_broker_url("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = _broker_url is None
CELERY_BROKER_URL = _broker_url or "memory://"  # never contacted in eager mode
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker keeps its database connection between tasks (CONN_MAX_AGE applies, see config/celery.py) and closes it
# every this many tasks; unset, Celery closes it around every task and each call analysed opens a new one.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000, minimum=1)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "hotline")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues a task gives up on an unreachable broker within a second; the submission
# stays stored and the periodic sweep queues it again (see hotline.services.queue_triage).
# Short socket timeouts: a hung broker (it accepts the connection and never answers) costs the publisher thread
# (hotline.publish) two seconds per try, never a web request anything.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_timeout": env_int("BROKER_SOCKET_TIMEOUT_SECONDS", 2, minimum=1),
    "socket_connect_timeout": env_int("BROKER_SOCKET_TIMEOUT_SECONDS", 2, minimum=1),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("BROKER_SOCKET_TIMEOUT_SECONDS", 2, minimum=1)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Queues by purpose, each with its own workers in production (README, "Production on an intranet"), so a backlog of
# calls to analyse never delays the deadline reminders, and a long hotspot run never delays either:
#   triage    - analysing calls as they arrive (intake queues a task per call, or per the calls of a tenth of a second;
#               a task drains a backlog in batches)
#   llm       - LLM drafts (slow, bounded by the endpoint)
#   periodic  - short periodic work that must run on time: deadline reminders and overdue marks, the sweeps
#   analytics - long periodic work: the dashboards' rollups, hotspot detection, the knowledge index
CELERY_QUEUES_BY_PURPOSE = {
    "triage": env_str("CELERY_TRIAGE_QUEUE", "triage"),
    "llm": env_str("LLM_QUEUE", "llm"),
    "periodic": env_str("CELERY_PERIODIC_QUEUE", "periodic"),
    "analytics": env_str("CELERY_ANALYTICS_QUEUE", "analytics"),
}
CELERY_TASK_ROUTES = {
    "hotline.tasks.triage_submission": {"queue": CELERY_QUEUES_BY_PURPOSE["triage"]},
    "hotline.tasks.triage_submissions": {"queue": CELERY_QUEUES_BY_PURPOSE["triage"]},
    "hotline.tasks.llm_draft_order": {"queue": CELERY_QUEUES_BY_PURPOSE["llm"]},
    "hotline.tasks.requeue_stalled_submissions": {"queue": CELERY_QUEUES_BY_PURPOSE["periodic"]},
    "hotline.tasks.sweep_llm_drafts": {"queue": CELERY_QUEUES_BY_PURPOSE["periodic"]},
    "hotline.tasks.prune_related_order_keys": {"queue": CELERY_QUEUES_BY_PURPOSE["periodic"]},
    "workorders.tasks.*": {"queue": CELERY_QUEUES_BY_PURPOSE["periodic"]},
    # A live call's analysis goes through the same queue as intake's; the sweep of silent calls is periodic.
    "calls.tasks.analyse_live_call": {"queue": CELERY_QUEUES_BY_PURPOSE["triage"]},
    "calls.tasks.close_silent_calls": {"queue": CELERY_QUEUES_BY_PURPOSE["periodic"]},
    "analytics.tasks.*": {"queue": CELERY_QUEUES_BY_PURPOSE["analytics"]},
    "knowledge.tasks.*": {"queue": CELERY_QUEUES_BY_PURPOSE["analytics"]},
}
# The one place the periodic work is declared; `celery beat` and the in-process scheduler both read it.
CELERY_BEAT_SCHEDULE = {
    "record-deadline-reminders": {
        "task": "workorders.tasks.record_deadline_reminders",
        "schedule": timedelta(minutes=5),
    },
    "requeue-stalled-submissions": {
        "task": "hotline.tasks.requeue_stalled_submissions",
        "schedule": timedelta(minutes=2),
    },
    # The dashboards read rollup tables; the last three days are recomputed every ten minutes …
    "refresh-rollups": {
        "task": "analytics.tasks.refresh_rollups",
        "schedule": timedelta(minutes=10),
    },
    # … and once a day the last two months, for late changes to older days (see analytics.dashboards.rollups).
    "refresh-rollups-deep": {
        "task": "analytics.tasks.refresh_rollups_deep",
        "schedule": timedelta(hours=24),
    },
    "detect-hotspots": {
        "task": "analytics.tasks.detect_hotspots",
        "schedule": timedelta(hours=1),
    },
    # After articles change, a worker saves the new knowledge index for every web process to load.
    "refresh-knowledge-index": {
        "task": "knowledge.tasks.refresh_knowledge_index",
        "schedule": timedelta(minutes=2),
    },
    # LLM drafts pending too long are queued again (or given up, with the reason); the call log is trimmed.
    "sweep-llm-drafts": {
        "task": "hotline.tasks.sweep_llm_drafts",
        "schedule": timedelta(minutes=2),
    },
    # The index of rare terms that finds related orders keeps only the related-order window (30 days).
    "prune-related-order-keys": {
        "task": "hotline.tasks.prune_related_order_keys",
        "schedule": timedelta(hours=1),
    },
    # Live calls the telephony never ended are ended after LIVE_CALL_SILENCE_SECONDS of silence (docs/live-calls.md).
    "close-silent-calls": {
        "task": "calls.tasks.close_silent_calls",
        "schedule": timedelta(seconds=30),
    },
}

HOTLINE = {
    # Intake limits: a message longer than this is refused with a 400 naming the field.
    "MAX_APPEAL_CHARS": env_int("HOTLINE_MAX_APPEAL_CHARS", 20000, minimum=100),
    "MAX_TURNS": env_int("HOTLINE_MAX_TURNS", 1000, minimum=1),
    # A submission still not analysed this long after it was received is queued again by the periodic sweep, but
    # only while the broker's triage queue is empty: while it holds messages the submission is merely waiting (and
    # the next task takes the oldest waiting submissions first). Without a broker, after this long it is lost.
    "TRIAGE_STALL_SECONDS": env_int("HOTLINE_TRIAGE_STALL_SECONDS", 120, minimum=10),
    # A triage task that finds other submissions waiting analyses up to this many (its own included), oldest first.
    "TRIAGE_BATCH_SIZE": env_int("HOTLINE_TRIAGE_BATCH_SIZE", 20, minimum=1),
    # The managers' dashboard and /health/ warn when the oldest submission waiting for analysis is older than this.
    "TRIAGE_ALERT_SECONDS": env_int("HOTLINE_TRIAGE_ALERT_SECONDS", 60, minimum=1),
    # Each Celery worker records a heartbeat this often on the queues it consumes (hotline.heartbeat); /health/
    # calls a queue's workers stale when its newest heartbeat is older than WORKER_STALE_SECONDS.
    "WORKER_HEARTBEAT_SECONDS": env_int("HOTLINE_WORKER_HEARTBEAT_SECONDS", 15, minimum=1),
    "WORKER_STALE_SECONDS": env_int("HOTLINE_WORKER_STALE_SECONDS", 60, minimum=2),
    # Order lists count matching orders up to this many (exact below it, "more than" past it) and page that far;
    # older orders are reached by narrowing the list (workorders.paging).
    "LIST_COUNT_LIMIT": env_int("HOTLINE_LIST_COUNT_LIMIT", 1000, minimum=100),
    "TRIAGE_MAX_ATTEMPTS": env_int("HOTLINE_TRIAGE_MAX_ATTEMPTS", 8, minimum=1),
    # First retry delay of a failed analysis; each further retry waits twice as long (capped at an hour).
    "TRIAGE_RETRY_BASE_SECONDS": env_int("HOTLINE_TRIAGE_RETRY_BASE_SECONDS", 30, minimum=1),
    # Hours before the resolve deadline when the due-soon reminder (临期催办) is recorded.
    "DUE_SOON_HOURS": env_int("HOTLINE_DUE_SOON_HOURS", 24, minimum=1),
    # An operator's claim on an order (认领) lapses this many minutes after their last activity on it.
    "CLAIM_MINUTES": env_int("HOTLINE_CLAIM_MINUTES", 10, minimum=1),
    "DATASETS_DIR": Path(env_str("HOTLINE_DATASETS_DIR", str(BASE_DIR.parent / "shared" / "datasets"))),
    # Shown in the self-harm protocol on the order page (全国心理援助热线 by default; set the city's own line).
    "PSYCH_AID_LINE": env_str("HOTLINE_PSYCH_AID_LINE", "12356"),
    # Where the built knowledge search index is kept, so a restart loads it instead of building it again.
    "KNOWLEDGE_INDEX_DIR": Path(env_str("HOTLINE_KNOWLEDGE_INDEX_DIR", str(BASE_DIR / "var" / "knowledge"))),
}

# Live calls (docs/live-calls.md): the ASR engine streams a call's turns, and the draft order fills in as it goes.
LIVE_CALLS = {
    # A call with no turn for this long is ended by the periodic sweep, as if the telephony had said so.
    "SILENCE_SECONDS": env_int("LIVE_CALL_SILENCE_SECONDS", 120, minimum=5),
    # An analysis queued this long ago and still not run (a lost task) is queued again by the next turn or the sweep.
    "ANALYSIS_STALL_SECONDS": env_int("LIVE_CALL_ANALYSIS_STALL_SECONDS", 10, minimum=1),
    # How often the operator's screen asks for what changed (milliseconds).
    "POLL_MS": env_int("LIVE_CALL_POLL_MS", 500, minimum=100),
    # In-process mode (no broker): the threads analysing live calls beside the web server's.
    "THREADS": env_int("LIVE_CALL_THREADS", 2, minimum=1),
}

# The dashboards' department league tables (docs/dashboards.md): a department is ranked by a rate only when the
# rate's denominator in the period reaches this minimum (callbacks for the resolution and satisfaction rates,
# assignments due to be signed for the response rate); one satisfied callback is not "100 % satisfied". The others
# are listed after the ranked ones, unranked, with their count.
DASHBOARDS = {
    "LEAGUE_MIN_CALLBACKS": env_int("DASHBOARD_LEAGUE_MIN_CALLBACKS", 5, minimum=1),
    "LEAGUE_MIN_SIGN_DUE": env_int("DASHBOARD_LEAGUE_MIN_SIGN_DUE", 5, minimum=1),
}

# The LLM: any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp server, a hosted Qwen or
# DeepSeek). Unset LLM_BASE_URL: no LLM, the classical pipeline alone.
LLM = {
    "BASE_URL": env_url("LLM_BASE_URL"),
    "MODEL": env_str("LLM_MODEL", "qwen2.5-7b-instruct"),
    "API_KEY": env_str("LLM_API_KEY", "none"),
    "TIMEOUT_SECONDS": env_int("LLM_TIMEOUT_SECONDS", 30, minimum=1),
    "CONNECT_TIMEOUT_SECONDS": env_int("LLM_CONNECT_TIMEOUT_SECONDS", 5, minimum=1),
    # An answer slower than this counts as a failure for the circuit breaker (it is still used); 0: two thirds
    # of the timeout.
    "SLOW_SECONDS": env_int("LLM_SLOW_SECONDS", 0, minimum=0),
    "MAX_RETRIES": env_int("LLM_MAX_RETRIES", 2, minimum=0),
    "MAX_CONCURRENCY": env_int("LLM_MAX_CONCURRENCY", 4, minimum=1),
    "BREAKER_FAILURES": env_int("LLM_BREAKER_FAILURES", 5, minimum=1),
    "BREAKER_SECONDS": env_int("LLM_BREAKER_SECONDS", 60, minimum=1),
    # schema: response_format json_schema, falling back to json_object, then to none, on a server that refuses
    # it; object: json_object first; off: never send response_format. true/false are read as schema/off.
    "JSON_MODE": env_choice("LLM_JSON_MODE", "schema", ["schema", "object", "off", "true", "false"]),
    "MAX_TOKENS": env_int("LLM_MAX_TOKENS", 800, minimum=50),
    "BACKOFF_MS": env_int("LLM_BACKOFF_MS", 500, minimum=0),
    # The budget, counted over the last hour across every process (the call log); 0: no limit.
    "MAX_CALLS_PER_HOUR": env_int("LLM_MAX_CALLS_PER_HOUR", 0, minimum=0),
    "MAX_TOKENS_PER_HOUR": env_int("LLM_MAX_TOKENS_PER_HOUR", 0, minimum=0),
    # A draft whose endpoint was down, slow or paused is tried this many times, waiting DRAFT_RETRY_SECONDS
    # (doubling) in between, then recorded as failed with the reason.
    "DRAFT_ATTEMPTS": env_int("LLM_DRAFT_ATTEMPTS", 3, minimum=1),
    "DRAFT_RETRY_SECONDS": env_int("LLM_DRAFT_RETRY_SECONDS", 30, minimum=1),
    # The periodic sweep queues again a draft pending longer than this (its task was lost: a restart, a lost
    # message), and gives up on the draft of an order waiting longer than DRAFT_GIVE_UP_SECONDS since the call.
    "DRAFT_STALL_SECONDS": env_int("LLM_DRAFT_STALL_SECONDS", 900, minimum=1),
    "DRAFT_GIVE_UP_SECONDS": env_int("LLM_DRAFT_GIVE_UP_SECONDS", 3600, minimum=1),
    # How long the call log (budget, health page) is kept.
    "CALL_LOG_DAYS": env_int("LLM_CALL_LOG_DAYS", 30, minimum=8),
}

LLM_QUEUE = CELERY_QUEUES_BY_PURPOSE["llm"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # No personal data in the logs: every record is masked before a handler writes it (core.logs).
    "filters": {"personal_data": {"()": "core.logs.MaskPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])},
}

# WhiteNoise serves from the finders when collectstatic has not been run; it need not warn about that.
warnings.filterwarnings("ignore", message="No directory at")
