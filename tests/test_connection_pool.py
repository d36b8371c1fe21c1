"""Database connections are pooled: a process never holds more than its pool.

Under `make run`, Django's development server starts a thread for every
browser connection, and each thread used to keep a database connection of
its own for 60 seconds: about 700 page views left 62 connections open and
later requests failed with "sorry, too many clients already". Every process
now borrows connections from one psycopg pool (`config/settings/base.py`)
and gives them back at the end of each request.

The slow tests here run the real servers as subprocesses (the development
server as `make run` starts it, and gunicorn with the production settings as
the README deploys it) against the committed test database, load them from
more client threads than the pool has connections, and watch
`pg_stat_activity` from a connection of their own. Everything is on loopback
and every loop is bounded in count and time.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from itertools import cycle, islice
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from .base import build_business

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: Page views per server: about three times the crawl that ran out of
#: connections.
PAGE_VIEWS = 2_000
#: Browser-like clients, each keeping its HTTP connection alive: more than the
#: development server's pool has connections.
CLIENT_THREADS = 16


def clean_environment(**env):
    """This process's environment without test-only switches and pool sizes
    (the servers get the defaults unless a test says otherwise), plus `env`."""
    base = {
        name: value
        for name, value in os.environ.items()
        if name != "DJANGO_ALLOW_ASYNC_UNSAFE" and not name.startswith("DATABASE_POOL_")
    }
    return {**base, **{name: str(value) for name, value in env.items()}}


def import_settings(*modules, **env):
    """The database settings each settings module gives in a fresh process."""
    code = (
        "import importlib, json, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    default = importlib.import_module(name).DATABASES['default']\n"
        "    found[name] = {key: default[key] for key in "
        "('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'OPTIONS')}\n"
        "print(json.dumps(found))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *modules],
        cwd=ROOT,
        env=clean_environment(
            **{
                "SECRET_KEY": "x7#kq9!vL2p$Zr8@wN4m^Tb6&Yc1*Hd3(Jf5)Ge0-Ua_Si+Ro=Pn",
                "DATABASE_URL": "postgres://app@/app?host=/nonexistent-socket-dir",
                **env,
            }
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


# --- the settings ---------------------------------------------------------------


def test_make_run_production_and_tests_all_pool_their_connections():
    result = import_settings(
        "config.settings.dev", "config.settings.production", "config.settings.test"
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    for name, database in found.items():
        assert database["CONN_MAX_AGE"] == 0, name
        assert database["CONN_HEALTH_CHECKS"] is True, name
        assert database["OPTIONS"]["connect_timeout"] == 5, name
        assert database["OPTIONS"]["pool"] == {
            "min_size": 2,
            "max_size": 10,
            "timeout": 5,
            "reconnect_timeout": 5,
        }, name


def test_the_pool_is_sized_from_the_environment():
    result = import_settings(
        "config.settings.dev",
        "config.settings.production",
        DATABASE_POOL_MIN_SIZE=1,
        DATABASE_POOL_MAX_SIZE=4,
        DATABASE_POOL_TIMEOUT=3,
    )
    assert result.returncode == 0, result.stderr
    for database in json.loads(result.stdout).values():
        assert database["OPTIONS"]["pool"] == {
            "min_size": 1,
            "max_size": 4,
            "timeout": 3,
            "reconnect_timeout": 3,
        }


@pytest.mark.django_db
def test_prepared_statements_are_planned_generic_keeping_the_urls_own_options():
    """Every settings module asks PostgreSQL for one generic plan per
    prepared statement (`config/settings/base.py`), and keeps whatever
    options the database URL gives."""
    result = import_settings(
        "config.settings.dev", "config.settings.production", "config.settings.test"
    )
    assert result.returncode == 0, result.stderr
    for name, database in json.loads(result.stdout).items():
        assert database["OPTIONS"]["options"] == (
            "-c plan_cache_mode=force_generic_plan"
        ), name
    result = import_settings(
        "config.settings.production",
        DATABASE_URL=(
            "postgres://app@/app?host=/nonexistent-socket-dir"
            "&options=-c%20statement_timeout%3D5000"
        ),
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)["config.settings.production"]["OPTIONS"]
    assert options["options"] == (
        "-c statement_timeout=5000 -c plan_cache_mode=force_generic_plan"
    )
    # The test database's connections run with it.
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"


@pytest.mark.parametrize(
    ("sizes", "sentence"),
    [
        (
            {"DATABASE_POOL_MIN_SIZE": 5, "DATABASE_POOL_MAX_SIZE": 2},
            "DATABASE_POOL_MIN_SIZE must be between 0 and DATABASE_POOL_MAX_SIZE",
        ),
        (
            {"DATABASE_POOL_MAX_SIZE": 0},
            "which must be at least 1 (they are 2 and 0)",
        ),
        (
            {"DATABASE_POOL_TIMEOUT": 0},
            "DATABASE_POOL_TIMEOUT must be at least 1 second (it is 0)",
        ),
        (
            {"DATABASE_POOL_MAX_SIZE": "ten"},
            "DATABASE_POOL_MAX_SIZE='ten' is not a whole number.",
        ),
    ],
    ids=["smallest above largest", "no connections", "no wait", "not a number"],
)
def test_a_pool_that_cannot_work_is_refused_with_a_sentence(sizes, sentence):
    result = import_settings("config.settings.dev", **sizes)
    assert result.returncode != 0
    assert sentence in result.stderr


# --- servers, clients and the connection count ------------------------------------


def libpq_params():
    """The test database's connection parameters, as libpq takes them."""
    return {
        key: value
        for key, value in connection.get_connection_params().items()
        if isinstance(value, str | int)
    }


def database_url(*, application_name, through=None):
    """The test database's URL for a server process, tagged with
    `application_name` (so its connections can be counted) and optionally
    reached through a loopback port instead of the real server."""
    params = libpq_params()
    for setting in ("connect_timeout", "client_encoding"):
        params.pop(setting, None)  # the settings set their own
    name = urllib.parse.quote(params.pop("dbname"), safe="")
    credentials = urllib.parse.quote(params.pop("user", ""), safe="")
    if password := params.pop("password", None):
        credentials += ":" + urllib.parse.quote(password, safe="")
    if through:
        params.update(host=HOST, port=through, sslmode="disable")
    params["application_name"] = application_name
    return f"postgres://{credentials}@/{name}?{urllib.parse.urlencode(params)}"


def database_upstream():
    """Where the database server listens: a unix socket path or (host, port)."""
    params = libpq_params()
    host, port = (
        params.get("host") or "/var/run/postgresql",
        int(params.get("port") or 5432),
    )
    if host.startswith("/"):
        return str(Path(host) / f".s.PGSQL.{port}")
    return (host, port)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """A server subprocess on a loopback port, logging to a file."""

    def __init__(self, command, env, log_path, port):
        self.port = port
        self.log_path = log_path
        self.log = open(log_path, "w")  # closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if get(self.port, "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"the server did not answer /healthz:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def development_server(tmp_path, application_name, **env):
    """`manage.py runserver` with the development settings, as `make run`
    serves (threaded; without the file watcher, which only restarts it)."""
    port = free_port()
    server = Server(
        [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"],
        clean_environment(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DATABASE_URL=database_url(application_name=application_name),
            SECRET_KEY=settings.SECRET_KEY,
            **env,
        ),
        tmp_path / "runserver.log",
        port,
    )
    server.wait_ready()
    return server


def production_server(tmp_path, static_root, workers, database, **env):
    """gunicorn with the production settings, as the README deploys it (the
    benchmark's settings module: production with a static folder of its own),
    on the `database` URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--bind",
        f"{HOST}:{port}",
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    environment = production_environment(static_root, DATABASE_URL=database, **env)
    server = Server(command, environment, tmp_path / "gunicorn.log", port)
    server.wait_ready()
    return server


def production_environment(static_root, **env):
    return clean_environment(
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        BENCH_STATIC_ROOT=static_root,
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        DEBUG="false",
        **env,
    )


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The static files collected once, as production serves them."""
    folder = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_environment(
            folder, DATABASE_URL="postgres://app@/app?host=/nonexistent-socket-dir"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return folder


def get(port, path, cookie=None, timeout=30):
    """One GET on a new connection: the response, its body read."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def session_cookie(user):
    """A signed-in session (committed: the servers read it) as a Cookie header."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def page_views(cast, business):
    """PAGE_VIEWS ordinary signed-in pages (the home page, the lists, detail
    pages of a meeting, a report and a decision), a councillor's and an
    officer's in turn."""
    paths = [
        "/",
        reverse("strategy:strategy_list"),
        reverse("decisions:decision_list"),
        reverse("decisions:meeting_list"),
        reverse("workplan:workplan_list"),
        reverse("decisions:meeting_detail", args=[business.meeting.pk]),
        reverse("decisions:report_detail", args=[business.report.pk]),
        reverse("decisions:decision_detail", args=[business.published_decision.pk]),
    ]
    cookies = [session_cookie(user) for user in (cast.member, cast.officer)]
    views = [(cookie, path) for path in paths for cookie in cookies]
    return list(islice(cycle(views), PAGE_VIEWS))


def browse(port, views, threads, time_limit):
    """Request every (cookie, path) of `views` from `threads` client threads,
    each keeping its connection alive between requests as a browser does.

    Returns the statuses counted and the failures (exceptions, by request).
    A request on a kept-alive connection that the server had closed is sent
    again on a new connection once, as browsers do; nothing else is retried.
    """
    pending = iter(views)
    lock = threading.Lock()
    statuses = Counter()
    failures = []
    deadline = time.monotonic() + time_limit

    def client():
        conn, used = None, False
        while time.monotonic() < deadline:
            with lock:
                view = next(pending, None)
            if view is None:
                break
            cookie, path = view
            for _attempt in range(2):
                if conn is None:
                    conn, used = (
                        http.client.HTTPConnection(HOST, port, timeout=30),
                        False,
                    )
                try:
                    conn.request("GET", path, headers={"Cookie": cookie})
                    response = conn.getresponse()
                    response.read()
                except (http.client.RemoteDisconnected, ConnectionResetError) as exc:
                    conn.close()
                    conn, stale = None, used
                    if stale:
                        continue
                    with lock:
                        failures.append(f"{path}: {exc!r}")
                    break
                except OSError as exc:
                    conn.close()
                    conn = None
                    with lock:
                        failures.append(f"{path}: {exc!r}")
                    break
                used = True
                with lock:
                    statuses[response.status] += 1
                if response.will_close:
                    conn.close()
                    conn = None
                break
        if conn is not None:
            conn.close()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(time_limit + 60)
    return statuses, failures


class ConnectionCount:
    """Samples, from its own connection to the server's maintenance database,
    how many connections to the test database a server holds (by the
    application name in its DATABASE_URL) until stopped."""

    def __init__(self, application_name, interval=0.02):
        params = libpq_params()
        self.database = params["dbname"]
        self.application_name = application_name
        self.conn = psycopg.connect(
            **{**params, "dbname": "postgres", "connect_timeout": 5}, autocommit=True
        )
        self.interval = interval
        self.samples = []
        self.stopping = threading.Event()
        self.thread = None

    def now(self):
        return self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [self.database, self.application_name],
        ).fetchone()[0]

    def start(self):
        def sample():
            while not self.stopping.wait(self.interval):
                self.samples.append(self.now())

        self.thread = threading.Thread(target=sample)
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join(10)

    def drained(self, timeout=15):
        """Waits (bounded) until the server holds no connection; True if so."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.now() == 0:
                return True
            time.sleep(0.1)
        return False

    def close(self):
        self.conn.close()


# --- 2,000 page views through each server ------------------------------------------


def assert_page_views_stay_within_the_pool(server, count, views, pool_limit):
    count.start()
    started = time.monotonic()
    statuses, failures = browse(server.port, views, CLIENT_THREADS, time_limit=300)
    took = time.monotonic() - started
    count.stop()
    after = count.now()
    print(
        f"\n{len(views)} page views from {CLIENT_THREADS} clients in {took:.1f} s; "
        f"connections: peak {max(count.samples, default=0)} of {pool_limit} "
        f"allowed ({len(count.samples)} samples), {after} after"
    )
    assert failures == [], failures[:10]
    assert statuses == {200: len(views)}, (statuses, server.log_tail())
    # The count was really taken: the server's connections were seen.
    assert len(count.samples) >= 20 and max(count.samples) >= 1
    assert max(count.samples) <= pool_limit, count.samples
    assert after <= pool_limit


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_thousand_page_views_through_the_development_server_stay_in_its_pool(
    cast, tmp_path
):
    """16 kept-alive browser connections, 16 server threads: without the pool
    each thread kept a database connection; with it the process holds at most
    the pool's 10 (the default `make run` uses)."""
    views = page_views(cast, build_business(cast))
    count = ConnectionCount("pool-test-runserver")
    server = development_server(tmp_path, "pool-test-runserver")
    try:
        assert_page_views_stay_within_the_pool(server, count, views, pool_limit=10)
    finally:
        server.stop()
        drained = count.drained()
        count.close()
    assert drained, "the development server's connections outlived it"


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_two_thousand_page_views_through_gunicorn_stay_in_its_pools(
    cast, tmp_path, static_root
):
    """gunicorn as the README runs it (2 workers x 4 threads) with a pool of
    3 per worker: 8 threads share at most 6 connections and no request
    fails for want of one."""
    views = page_views(cast, build_business(cast))
    count = ConnectionCount("pool-test-gunicorn")
    server = production_server(
        tmp_path,
        static_root,
        workers=2,
        database=database_url(application_name="pool-test-gunicorn"),
        DATABASE_POOL_MIN_SIZE=1,
        DATABASE_POOL_MAX_SIZE=3,
    )
    try:
        assert_page_views_stay_within_the_pool(server, count, views, pool_limit=2 * 3)
    finally:
        server.stop()
        drained = count.drained()
        count.close()
    assert drained, "gunicorn's connections outlived it"


# --- the database goes away and comes back ---------------------------------------


class DatabaseLink:
    """A loopback TCP relay to the database server that can be cut (open
    connections dropped, new ones refused) and restored on the same port:
    to a server using it, the database goes down and comes back."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = free_port()
        self.lock = threading.Lock()
        self.open_sockets = set()
        self.listener = None
        self.up()

    def up(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.listener = listener
        threading.Thread(target=self._accept, args=[listener], daemon=True).start()

    def down(self):
        listener, self.listener = self.listener, None
        listener.close()
        with self.lock:
            sockets, self.open_sockets = self.open_sockets, set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener):
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                if isinstance(self.upstream, str):
                    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    server.connect(self.upstream)
                else:
                    server = socket.create_connection(self.upstream, timeout=5)
                    server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open_sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(
                    target=self._relay, args=[source, target], daemon=True
                ).start()

    def _relay(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def timed_get(port, path, cookie=None):
    started = time.monotonic()
    response = get(port, path, cookie)
    return response.status, time.monotonic() - started


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_requests_fail_fast_and_succeed_once_it_is_back(
    cast, tmp_path, static_root
):
    """The pool checks each connection before lending it (CONN_HEALTH_CHECKS)
    and gives up a failing reconnection after DATABASE_POOL_TIMEOUT, so: while
    the database is away a request fails within that timeout (503 from
    /healthz and from pages); a second after it is back, requests succeed
    again."""
    cookie = session_cookie(cast.officer)
    link = DatabaseLink(database_upstream())
    timeout = 2
    server = production_server(
        tmp_path,
        static_root,
        workers=1,
        database=database_url(application_name="pool-test-outage", through=link.port),
        DATABASE_POOL_TIMEOUT=timeout,
    )
    try:
        assert get(server.port, "/", cookie).status == 200

        link.down()
        # Longer than the pool's reconnection backoff takes to give up.
        down_until = time.monotonic() + 3 * timeout
        while_down = []
        while time.monotonic() < down_until:
            while_down.append(timed_get(server.port, "/healthz"))
        while_down.append(timed_get(server.port, "/", cookie))

        link.up()
        time.sleep(1)
        once_back = [
            timed_get(server.port, "/healthz"),
            timed_get(server.port, "/", cookie),
            timed_get(server.port, "/healthz"),
        ]
    finally:
        server.stop()
        link.down()

    assert len(while_down) >= 3
    assert {status for status, _ in while_down[:-1]} == {503}, while_down
    assert max(took for _, took in while_down[:-1]) < timeout + 1.5, while_down
    # A page answers 503 (the "service unavailable" page, drawn without the
    # database) after one wait, for the session.
    assert while_down[-1][0] == 503, while_down
    assert while_down[-1][1] < timeout + 1.5, while_down
    assert [status for status, _ in once_back] == [200, 200, 200], (
        once_back,
        server.log_tail(),
    )
    assert max(took for _, took in once_back) < timeout, once_back
