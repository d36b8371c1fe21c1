"""Settings for the test suite (`make test`)."""

from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DEMO_PASSWORD = None

# Static files are served from the source folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The connection pool of base.py is kept: tests (live servers and threads
# included) borrow connections as `make run` and production do.
# Several test runs can share one server (e.g. parallel runs during
# development): each may name its own test database.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": env_str("TEST_DATABASE_NAME", "test_app")
}

# A history page works out every word diff it shows, however slow the
# machine (tests of the budget set it themselves).
HISTORY_DIFF_BUDGET_SECONDS = None

# Tasks run as soon as they are enqueued; one test runs the real worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Tests keep their cache in memory whatever the environment says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
