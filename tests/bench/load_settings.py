"""The production settings for the mixed-load benchmark (`load.py`).

`tests.bench.settings` (production: DEBUG off, cached templates, pooled
connections, WhiteNoise) with two differences a loopback run needs: the
session and CSRF cookies are not marked Secure (the load runs over plain
HTTP on 127.0.0.1, where production has TLS in front), and the e-mails
the paper worker sends (notifications of published decisions) are kept in
memory instead of going to an SMTP server that is not there.
"""

from .settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
