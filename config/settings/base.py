"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import everything from
here and override what differs. Only the settings package reads the
environment, through the helpers in `config.settings.env`.
"""

import hashlib
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from .env import BASE_DIR, env_int, env_list, env_str, local_database_url

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "governance.apps.GovernanceConfig",
    "decisions.apps.DecisionsConfig",
    "strategy.apps.StrategyConfig",
    "workplan.apps.WorkplanConfig",
    "search.apps.SearchConfig",
    "public.apps.PublicConfig",
    "governance.apps.GovernanceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "simple_history",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "api.apps.ApiConfig",
]

# Papers too large to render during a request (agenda packs) are rendered by
# a background worker: `manage.py paper_worker` (django-tasks-db's worker,
# kept going through database outages), which takes tasks from the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The paper worker (`manage.py paper_worker`, see docs/papers.md): a job being
# rendered beats every PAPER_JOB_HEARTBEAT_SECONDS; one whose worker has not
# beaten for PAPER_JOB_STALE_SECONDS is queued again, at most
# PAPER_JOB_MAX_ATTEMPTS times in all, then failed ("Try again").
PAPER_JOB_HEARTBEAT_SECONDS = env_int("PAPER_JOB_HEARTBEAT_SECONDS", 10)
PAPER_JOB_STALE_SECONDS = env_int("PAPER_JOB_STALE_SECONDS", 60)
PAPER_JOB_MAX_ATTEMPTS = env_int("PAPER_JOB_MAX_ATTEMPTS", 3)
# A history page works out the word diffs it finds no kept copy of (a history
# recorded before diffs were kept) for this long at most; the rest are queued
# for the worker (governance/history.py, `history_entries`). None: no limit.
HISTORY_DIFF_BUDGET_SECONDS = 0.05
# The worker runs at this CPU niceness (0-19, 19 the lowest priority): when
# it shares the cores with the web server, a page view waiting for a core is
# given it before the paper being rendered, and the paper takes the cores the
# pages leave. 0 leaves the worker at the priority it was started with.
PAPER_WORKER_NICE = env_int("PAPER_WORKER_NICE", 10)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A public page answered before, asked for again while its mark is the
    # same, is answered here (public/kept_pages.py).
    "public.kept_pages.KeptPublicPageMiddleware",
    # A council's own host name serves its public site (public/hosts.py).
    "public.hosts.PublicHostMiddleware",
    # Public pages leave without `Vary: Cookie` (public/middleware.py).
    "public.middleware.SameForEveryoneMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A kept document asked for again by the same session, while nothing it
    # depends on has changed, is answered here (governance/kept_pages.py).
    "governance.kept_pages.KeptPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the session and the person in one query
    # (governance/principal.py).
    "governance.principal.AuthenticationMiddleware",
    # Which second-factor device (if any) this session was verified with.
    # (django-otp's, taking the devices read with the person: principal.py)
    "governance.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "governance.middleware.CurrentOrganisationMiddleware",
    # Until the second factor is passed, only its own pages and sign-out.
    "governance.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a refused sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "governance.forms_rendering.GovukFormRenderer"


# Each process keeps a pool of database connections (psycopg's pool, through
# Django's OPTIONS["pool"]): requests borrow one and give it back when they
# end, so a process never holds more than DATABASE_POOL_MAX_SIZE connections
# however many threads it runs. Size it so that processes x max size stays
# below the server's max_connections (README, "Deploying to production").
DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 2)
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 10)
# Seconds a request waits for a free connection before it fails. While the
# server is down, this is how long a request takes to fail.
DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 5)


def database_pool_options(min_size, max_size, timeout):
    """psycopg_pool.ConnectionPool's options; refuses sizes that cannot work."""
    if max_size < 1 or not 0 <= min_size <= max_size:
        raise ImproperlyConfigured(
            "DATABASE_POOL_MIN_SIZE must be between 0 and DATABASE_POOL_MAX_SIZE, "
            f"which must be at least 1 (they are {min_size} and {max_size})."
        )
    if timeout < 1:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_TIMEOUT must be at least 1 second (it is {timeout})."
        )
    return {
        "min_size": min_size,
        "max_size": max_size,
        "timeout": timeout,
        # A failed connection attempt is retried with backoff for this long,
        # then given up so that the next request starts a fresh one: after
        # an outage the pool reconnects within seconds of the server coming
        # back (the default, five minutes, let the backoff grow to minutes).
        "reconnect_timeout": timeout,
    }


def database_config(url):
    """Django's DATABASES entry for a PostgreSQL URL; refuses anything else."""
    if not url:
        raise ImproperlyConfigured(
            "No database: set DATABASE_URL (postgres://user:pass@host/name), "
            "or run `make run` / `make test`, which start a project-local "
            "PostgreSQL cluster."
        )
    # CONN_MAX_AGE must be 0 with a pool: a connection goes back to the pool
    # at the end of each request. The pool checks each connection before
    # lending it (CONN_HEALTH_CHECKS), so a restart of the server is survived.
    config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL: it is the only supported database."
        )
    options = config.setdefault("OPTIONS", {})
    # Fail fast when the server is down instead of hanging a worker.
    options["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    options["pool"] = database_pool_options(
        DATABASE_POOL_MIN_SIZE, DATABASE_POOL_MAX_SIZE, DATABASE_POOL_TIMEOUT
    )
    # Statements run through `governance.prepared.prepared_cursor()` (the
    # principal and the data marks, run on every page) are prepared the
    # first time a pooled connection runs them. Django's own cursors bind
    # on the client and are never prepared, so nothing else changes.
    options["prepare_threshold"] = 0
    # Those statements are planned once for any values (a generic plan) the
    # first time, not afresh for each of their first five runs on every
    # connection as PostgreSQL otherwise does before it settles on the
    # generic plan it keeps for each of them anyway: a strategy page's
    # first five requests on a connection took 16 ms instead of 8. The
    # statements write the day in rather than take it as a value
    # (`data_mark.day_written_in`), so no plan needs to know a value.
    # Django's own queries are never prepared and are unaffected.
    options["options"] = " ".join(
        part
        for part in (
            options.get("options", ""),
            "-c plan_cache_mode=force_generic_plan",
        )
        if part
    )
    return config


DATABASES = {
    "default": database_config(env_str("DATABASE_URL") or local_database_url())
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username and address before any
    # password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the person with their roles, councils
    # and second-factor devices in one query (governance/principal.py).
    "governance.principal.PrincipalBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's cache: the rendered documents of approved and published records
# (governance/documents.py) and the API's rendered public responses. Every
# key names the version of what it holds, so a stale entry is never read.
# Local memory by default (each process renders each version once); set
# CACHE_DIR in production to share one file-based cache between processes
# (README, "Deploying to production").
CACHE_DIR = env_str("CACHE_DIR")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
        if CACHE_DIR
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
    )
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "governance:home"

# Sessions last one working day and end when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in throttling (django-axes, through `governance.sign_in_throttle`).
# Failed sign-ins are counted per username, from any address, and per
# address, across every username; either count reaching its limit within
# AXES_COOLOFF_TIME of the last failure locks sign-in (429, the lock-out
# page) for username or address alike, the right password included:
# - a username after 10 failures (the NCSC's "around ten attempts"): an
#   attacker spreading guesses over many addresses gets 10 per 15 minutes
#   (ASVS 2.2.1: under 100 an hour);
# - an address after 30 failures across usernames (password spraying from
#   one place); higher than the username's so that one person's mistakes
#   never lock out the office they share an address with.
# The lock lasts 15 minutes from the failure that set it: further tries
# while locked are refused but not counted, so nobody can keep a named
# person locked out by trying again and again. A successful sign-in forgets
# that username's failures from that address (the person's own mistakes),
# not other usernames' failures from it.
SIGN_IN_FAILURE_LIMITS = {"username": 10, "ip_address": 30}
AXES_LOCKOUT_PARAMETERS = list(SIGN_IN_FAILURE_LIMITS)
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMITS["username"]
AXES_HANDLER = "governance.sign_in_throttle.SignInThrottle"
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, unless the app runs behind this many
# reverse proxies of our own, each of which appends the address it received
# from to X-Forwarded-For; then the entry that many from the right. With 0
# (the default) X-Forwarded-For is ignored: anyone can write it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT must be 0 or more (it is {TRUSTED_PROXY_COUNT})."
    )
AXES_CLIENT_IP_CALLABLE = "governance.sign_in_throttle.client_address"

# The second factor (django-otp): an authenticator app (TOTP) with one-time
# recovery codes; see `governance/second_factor.py` for who must have one.
# A wrong code makes the next one wait 1, 2, 4, 8 ... seconds (doubling with
# each wrong code in a row; 32 seconds after the sixth).
OTP_TOTP_ISSUER = "ICT strategy governance"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Operators see that a person has a device in the admin, never its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

#: Where each server process notes the council a session works in, so the
#: 503 page of any process on the machine carries it while the database is
#: away (`governance/errors.py`). A private folder in the temporary
#: directory unless set.
COUNCIL_MEMORY_DIR = env_str(
    "COUNCIL_MEMORY_DIR",
    str(
        Path(tempfile.gettempdir())
        / f"ict-governance-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]}"
        / "councils-by-session"
    ),
)

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security headers. The Content Security Policy allows only our own files;
# the one inline script (the GOV.UK `js-enabled` class) carries a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ict-governance@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The service's own address, for links in e-mails the background worker
# sends (it has no request to take the host from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
CSRF_FAILURE_VIEW = "governance.errors.csrf_failure"

# An invitation to join a council (sent by its administrators) can be used
# once, within this many days.
INVITATION_VALID_DAYS = 7
# Password-reset links (sent on request or by an administrator) last a day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# The open data API (`api/`, docs/open-data-api.md): read-only, JSON and CSV,
# public by default; staff send a personal token. Sessions are not read, so
# a response never depends on who is signed in to the site.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "api.renderers.CsvRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.renderers.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "UNAUTHENTICATED_TOKEN": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ICT strategy governance: open data API",
    "DESCRIPTION": (
        "Each council's published business: decisions and their resolutions, "
        "meetings and agenda items, reports, the forward plan, and (where the "
        "council publishes them) strategies, themes, workplans, items and "
        "reviews. Published under the Open Government Licence v3.0."
    ),
    "VERSION": "1.0.0",
    # 3.1: its schemas are JSON Schema, so any JSON Schema validator checks
    # a response against them (null is a type, not a keyword of OpenAPI's).
    "OAS_VERSION": "3.1.0",
    "LICENSE": {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several records have a `status`: each set of values keeps its own name.
    "ENUM_NAME_OVERRIDES": {
        "DecisionStatusEnum": "decisions.choices.DecisionStatus",
        "MeetingStatusEnum": "decisions.choices.MeetingStatus",
        "LifecycleStatusEnum": "governance.lifecycle.LifecycleStatus",
        "ReviewStatusEnum": ["open", "closed"],
    },
}
