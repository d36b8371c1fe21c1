"""Settings for `make run` on a developer's or evaluator's machine."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-not-for-production")

# Mail is written to files in development, one per message, in MAIL_DIR
# (default .local/mail/, git-ignored); `make run` says where.
MAIL_DIR = env_str("MAIL_DIR", str(BASE_DIR / ".local" / "mail"))  # noqa: F405
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": MAIL_DIR},
    }
}
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}")

# The password `load_demo` gives the demo users (generated when unset).
DEMO_PASSWORD = env_str("DEMO_PASSWORD")

# Static files are served from the source folders (no collectstatic needed).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
