"""Production settings: everything that matters comes from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL. Usually also
CSRF_TRUSTED_ORIGINS (https://your.host) and the MAIL_* variables.
"""

from .base import *  # noqa: F403
from .base import database_config
from .env import env_bool, env_int, env_list, env_str

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
DATABASES = {"default": database_config(env_str("DATABASE_URL", required=True))}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if not SECURE_HSTS_PRELOAD:
    # The operator has chosen not to be on the browsers' preload list.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Links in e-mails: the address people reach the service at.
SITE_URL = env_str("SITE_URL") or (
    f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else ""
)

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("MAIL_HOST", "localhost"),
            "port": env_int("MAIL_PORT"),
            "username": env_str("MAIL_USER"),
            "password": env_str("MAIL_PASSWORD"),
            "use_tls": env_bool("MAIL_USE_TLS", False),
            "use_ssl": env_bool("MAIL_USE_SSL", False),
            "timeout": env_int("MAIL_TIMEOUT", 10),
        },
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.security": {"level": "WARNING"},
        # WeasyPrint tells each step of every paper's rendering ("Step 2 -
        # Fetching and parsing CSS") at INFO: noise in a server's log.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
