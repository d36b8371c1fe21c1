"""The production settings for the mixed-load benchmark (`load.py`).

`tests.bench.settings` (production: DEBUG off, cached templates, pooled
connections, WhiteNoise) with what a loopback run needs: the
session and CSRF cookies are not marked Secure (the load runs over plain
HTTP on 127.0.0.1, where production has TLS in front), and the e-mails
the paper worker sends (notifications of published decisions) are kept in
memory instead of going to an SMTP server that is not there. For the
report, every response carries a `Server-Timing` header (`server_timing.py`).
"""

from .settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# Each response says where its time went (`server_timing.py`), first in, last
# out, so that it spans every other middleware.
MIDDLEWARE = ["tests.bench.server_timing.ServerTiming", *MIDDLEWARE]  # noqa: F405
