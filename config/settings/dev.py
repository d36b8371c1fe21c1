"""Settings for `make run` on a developer's or evaluator's machine."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-not-for-production")

# Mail is printed to the console in development.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# The password `load_demo` gives the demo users (generated when unset).
DEMO_PASSWORD = env_str("DEMO_PASSWORD")

# Static files are served from the source folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
