"""gunicorn's settings for production: `gunicorn -c python:config.gunicorn`
(README, "Deploying to production"; the mixed-load benchmark runs the same).

- one sync worker for each core the server may run on, and at least two
  (`GUNICORN_WORKERS` to change it; `GUNICORN_THREADS` above 1 makes them
  gthread workers of that many threads each);
- each worker, once the app is loaded, reads what every request would
  otherwise read the first time (the URL patterns, the site's templates, the
  translations) and then freezes everything it holds (`gc.freeze()`).

Why freeze: the app holds about 190,000 long-lived objects (models, URL
patterns, compiled templates) that Python's cyclic garbage collector walks
at every full collection. Measured in-process on the workplan page, a full
collection came about once in 60 requests and cost that one request about
90 ms; frozen objects are left out of every collection (a workplan page's
collections fell from 2.7 ms to 1.2 ms a request on average). The frozen
objects are never freed, which is what they are for: they live as long as
the process.

Why sync workers: a worker answers one request at a time, so no request
waits for another's Python in its process (the GIL: a gthread worker's
threads take turns, and each query's answer waits for the turn back), and
a new connection goes to whichever worker is free. A sync worker holds a
slow client for as long as it takes to send or read it: it wants a
buffering reverse proxy in front, which the deployment has for TLS
(README, "Deploying to production"; nginx buffers by default), and no
keep-alive of its own.

Why one a core: a page view here is mostly Python (under the mixed load
a request's CPU is about three quarters of its time in the app; its
queries are short, on a database close by), so a worker keeps its core
busy, and a worker more than the cores only shares them: each request in
flight is stretched by the others' turns on its core, every process keeps
its own kept queries, states and compiled SQL warm, and the cores' caches
are shared between more processes. A request that finds every worker busy
waits in the listen queue instead, for less time than it would have been
stretched. Under the mixed load (`scripts/bench.sh load`, 4 December
2026, two sets of rounds run back to back on the same code, two and four
workers alternated), two sync workers gave the worst page view's p95 at
56-100 ms in five of six undisturbed runs (160 ms in one) against 81-240
ms for four (120 ms and more in four of seven), and p95 over all
requests 38-110 ms against 64-160 ms (three workers, in three runs: 67-180
ms and 42-110 ms). Earlier
the same day, four sync workers had beaten two gthread workers of four
threads (p95 over all requests 55-120 ms against 79-160 ms) and six sync
workers (110-150 ms). Give it more workers where requests wait on
something slower than this machine's PostgreSQL, or where some requests
take long (an export of a very large workplan holds a worker while it
runs).
"""

import gc
import logging
import os

wsgi_app = "config.wsgi:application"
worker_class = "sync"


def _env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def cores():
    """The cores this process may run on (its CPU affinity, as a container
    or `taskset` limits it)."""
    return len(os.sched_getaffinity(0))


workers = _env_int("GUNICORN_WORKERS", max(2, cores()))
#: Above 1, gunicorn runs gthread workers of this many threads instead.
threads = _env_int("GUNICORN_THREADS", 1)

log = logging.getLogger("gunicorn.error")


def _populate(resolver):
    """Build `resolver`'s reverse lookups and those of every resolver under
    it (the first `reverse()` into each namespace otherwise does: 70 ms of
    a new worker's first page)."""
    from django.urls import URLResolver

    resolver.reverse_dict  # noqa: B018 - built on first access
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            _populate(pattern)


def warm_up():
    """Read now what the first requests of a new worker would: the URL
    patterns and their reverse lookups, every template of the site's own
    directory (compiled into the cached loader) and their digest, the
    default language's translations, and the SQL of the prepared statements
    every page runs (`governance/prepared.py`). Returns how many templates
    were read. A template that cannot be read is left to its first
    request, which reports it as it would have anyway."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    from governance.data_mark import template_digest
    from governance.prepared import compile_all

    _populate(get_resolver())
    translation.activate(settings.LANGUAGE_CODE)
    translation.deactivate()
    read = 0
    for engine in engines.all():
        for directory in getattr(engine, "engine", engine).dirs:
            for path in sorted(directory.rglob("*.html")) + sorted(
                directory.rglob("*.txt")
            ):
                name = path.relative_to(directory).as_posix()
                try:
                    engine.get_template(name)
                except Exception as error:  # noqa: BLE001 - left to its request
                    log.warning("warm-up: template %s not read (%s)", name, error)
                else:
                    read += 1
    template_digest()
    compile_all()
    return read


def post_worker_init(worker):
    """The worker has loaded the app: warm it up, then freeze what it holds."""
    read = warm_up()
    gc.collect()
    gc.freeze()
    worker.log.info(
        "worker warmed up: %s templates read, %s objects frozen",
        read,
        gc.get_freeze_count(),
    )
