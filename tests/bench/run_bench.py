"""`make bench`: the workplan list page against the Django admin, in figures.

What it does, in order (see also the README, "make bench"):

1. Drops and creates the database `bench` on the project-local PostgreSQL
   server, migrates it, runs `load_demo` (councils, people, strategies) and
   adds one workplan each of 100, 1,000, 10,000 and 100,000 items made with
   SQL (`tests/bench/data.py`) and 1,000 more of the council's meetings,
   decision records and strategies (`--list-rows`), then `VACUUM ANALYZE`.
2. Counts the queries each page makes, in this process, through Django's
   test client with the same settings as the server.
3. Starts gunicorn (gthread, 1 worker x 4 threads) with the production
   settings on 127.0.0.1, pinned to one core; signs in as `admin` with a
   real POST to /sign-in/, then a code from admin's authenticator app (set
   up in step 1 through the real set-up path) to /sign-in/code/.
4. For each size and page (our list's first and last page, the admin
   changelist's first and last page on the same rows; then the decisions,
   meetings and strategies lists and their admin changelists, the
   council's rows, 25 a page): warms up, then runs `wrk` (on the other
   core) several times and keeps the medians.
5. Prints a table with ratios taken in this run only (the machine is shared
   and noisy: absolute figures move by 20-30 % from run to run) and writes
   every figure to bench-results/bench.json.

Figures, not pass or fail: it exits 1 only when it could not measure
(a page missing, the server not starting, wrk not installed).
"""

import argparse
import http.client
import io
import json
import logging
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from . import summary

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
LUA = Path(__file__).with_name("report.lua")
SIZES = (100, 1_000, 10_000, 100_000)
PER_PAGE = 50
#: BENCH_DATABASE names another database (two checkouts benchmarking at once).
DATABASE = os.environ.get("BENCH_DATABASE", "bench")
USERNAME = "admin"
HOST = "127.0.0.1"
#: (which, position): our workplan page and the admin changelist, first and last.
PAGES = [("ours", "first"), ("ours", "last"), ("admin", "first"), ("admin", "last")]
OUR_URL_NAME = "workplan:workplan_detail"
ADMIN_URL_NAME = "admin:workplan_workplanitem_changelist"
#: The other lists against their admin changelists, on the same rows (the
#: council's, 25 a page on both): (name, our URL, the admin's, its filter).
LISTS = [
    (
        "decisions",
        "decisions:decision_list",
        "admin:decisions_decisionrecord_changelist",
        "organisation__id__exact",
    ),
    (
        "meetings",
        "decisions:meeting_list",
        "admin:decisions_meeting_changelist",
        "committee__organisation__id__exact",
    ),
    (
        "strategies",
        "strategy:strategy_list",
        "admin:strategy_strategy_changelist",
        "organisation__id__exact",
    ),
]
LIST_PER_PAGE = 25
LIST_ROWS = 1_000


class BenchError(Exception):
    """Something that stops the benchmark: printed as one clear message."""


def say(message=""):
    print(message, flush=True)


# --- options ----------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="make bench",
        description="Benchmark the workplan list page against the Django admin.",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="comma-separated workplan sizes in items (default: %(default)s)",
    )
    parser.add_argument(
        "--list-rows",
        type=int,
        default=LIST_ROWS,
        help="meetings, decisions and strategies added for the other lists "
        "(default: %(default)s; 0: measure the workplan page only)",
    )
    add_load_options(parser)
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the `bench` database afterwards (to EXPLAIN its queries)",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if not args.sizes or min(args.sizes) < 1 or max(args.sizes) > 1_000_000:
        parser.error("--sizes: each between 1 and 1,000,000")
    if not 0 <= args.list_rows <= 100_000:
        parser.error("--list-rows: between 0 and 100,000")
    check_load_options(parser, args)
    return args


def add_load_options(parser):
    """wrk's options, shared by the benchmarks that put a server under load."""
    parser.add_argument("--warmup", type=int, default=2, help="seconds (2)")
    parser.add_argument("--duration", type=int, default=5, help="seconds/run (5)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs (3)")
    parser.add_argument("--connections", type=int, default=2, help="wrk -c (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (2)")


def check_load_options(parser, args):
    if not 1 <= args.runs <= 10 or not 1 <= args.duration <= 60:
        parser.error("--runs 1..10 and --duration 0.5..60 keep a run bounded")
    if not 0 <= args.warmup <= 60:
        parser.error("--warmup 0..60")
    if not 1 <= args.connections <= 64 or not 1 <= args.threads <= args.connections:
        parser.error("--connections 1..64, --threads 1..connections")


# --- the database -------------------------------------------------------------


def server_url():
    """The project-local server's URL (`scripts/db.sh url`)."""
    url = os.environ.get("BENCH_SERVER_URL")
    if not url:
        url = subprocess.run(
            [str(ROOT / "scripts" / "db.sh"), "url"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    if not url.startswith(("postgres://", "postgresql://")):
        raise BenchError(f"not a PostgreSQL URL: {url!r}")
    return url


def with_database(url, name):
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/" + name))


def recreate_database(url, name, *, create=True):
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(
            with_database(url, "postgres"), autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            if create:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BenchError(f"could not recreate the database {name!r}: {exc}") from exc


def begin(database, name):
    """A bench part's start: `database` dropped and created, a folder of
    its own for collected static files, Django set up with the production
    settings. Returns (the server's URL, the static folder, the
    environment a server of the part is started with)."""
    base_url = server_url()
    recreate_database(base_url, database)
    static_root = Path(tempfile.mkdtemp(prefix=f"bench-{name}-static-"))
    env = environment(with_database(base_url, database), static_root)
    set_up_django(env)
    return base_url, static_root, env


def finish(base_url, database, server=None):
    """What a bench part does last, whatever happened: stop its server,
    close Django's connections and drop its database."""
    if server is not None:
        server.stop()
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001, S110 (Django may not be set up)
        pass
    recreate_database(base_url, database, create=False)


def bench_main(run, *args):
    """Run a bench part (`run(*args)`) with its results' folder made; a
    `BenchError` is told in a sentence and exits 1."""
    RESULTS.mkdir(exist_ok=True)
    try:
        run(*args)
    except BenchError as exc:
        say(f"\nbench: {exc}")
        return 1
    return 0


# --- the in-process part: set-up and query counts -------------------------------


def environment(database_url, static_root):
    """The production settings for a benchmark database (and its own folder
    of collected static files)."""
    return {
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "BENCH_STATIC_ROOT": str(static_root),
    }


def set_up_django(env):
    os.environ.update(env)
    import django

    django.setup()
    # The production settings log at INFO; this process only needs warnings.
    logging.getLogger().setLevel(logging.WARNING)


def load_everything(sizes, password, list_rows=0):
    from django.core.management import call_command

    from . import data

    steps = [
        ("migrate", lambda: call_command("migrate", interactive=False, verbosity=0)),
        (
            "collectstatic",
            lambda: call_command("collectstatic", interactive=False, verbosity=0),
        ),
        (
            "load_demo",
            lambda: call_command(
                "load_demo", force=True, password=password, stdout=io.StringIO()
            ),
        ),
        ("authenticator", give_admin_an_authenticator),
    ]
    for name, step in steps:
        started = time.monotonic()
        step()
        say(f"  {name:<13} {time.monotonic() - started:5.1f} s")
    started = time.monotonic()
    workplans = data.build_workplans(sizes)
    if list_rows:
        data.build_lists(list_rows)
    data.analyze()
    for row in workplans:
        count = data.item_count(row["workplan_id"])
        if count != row["size"]:
            raise BenchError(
                f"workplan {row['workplan_id']} has {count} items, not {row['size']}"
            )
        row["last_page"] = max(1, math.ceil(row["size"] / PER_PAGE))
    say(
        f"  data          {time.monotonic() - started:5.1f} s  "
        f"({sum(sizes):,} items and {list_rows:,} each of meetings, decisions "
        "and strategies by INSERT ... SELECT FROM generate_series, "
        "plain rows without history rows: list pages do not read history; "
        "then VACUUM ANALYZE)"
    )
    return workplans


def give_admin_an_authenticator():
    """`admin` must sign in with a second factor: set up their app as they
    would at their first sign-in."""
    from django.contrib.auth import get_user_model

    from ..base import give_authenticator

    give_authenticator(get_user_model().objects.get(username=USERNAME))


def admin_code():
    """A code admin's authenticator app shows that the service will take."""
    from django.contrib.auth import get_user_model

    from ..base import authenticator_code

    return authenticator_code(get_user_model().objects.get(username=USERNAME))


def page_paths(workplans):
    """Each (size, which, position) → path, or a reason why the page is missing."""
    from django.urls import NoReverseMatch, reverse

    problems = []
    ours_ok = admin_ok = True
    try:
        reverse(OUR_URL_NAME, args=[workplans[0]["workplan_id"]])
    except NoReverseMatch:
        ours_ok = False
        problems.append(
            f"Our workplan page is not there yet: no URL named {OUR_URL_NAME!r} "
            "(expected at /workplans/<pk>/, 50 items a page, ?page=N)."
        )
    try:
        reverse(ADMIN_URL_NAME)
    except NoReverseMatch:
        admin_ok = False
        problems.append(
            "The admin changelist for WorkplanItem is not there: register "
            "WorkplanItem in the admin with list_filter = ['workplan'] and "
            f"list_per_page = 50 (URL name {ADMIN_URL_NAME!r})."
        )
    paths = {}
    for row in workplans:
        pk, last = row["workplan_id"], row["last_page"]
        if ours_ok:
            ours = reverse(OUR_URL_NAME, args=[pk])
            paths[row["size"], "ours", "first"] = ours
            paths[row["size"], "ours", "last"] = f"{ours}?page={last}"
        if admin_ok:
            admin = f"{reverse(ADMIN_URL_NAME)}?workplan__id__exact={pk}"
            paths[row["size"], "admin", "first"] = admin
            paths[row["size"], "admin", "last"] = f"{admin}&p={last}"
    return paths, problems


def list_paths():
    """Each (list, which, position) → path, and (list → rows, last pages):
    our list of the council's records as `admin` sees it, and the admin's
    changelist filtered to the council."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from governance.models import Organisation

    from . import data

    council = Organisation.objects.get(slug=data.COUNCIL)
    user = get_user_model().objects.get(username=USERNAME)
    models = data.list_models()
    paths, sizes = {}, {}
    for name, ours_name, admin_name, by_council in LISTS:
        model = models[name]
        ours_rows = model.objects.visible_to(user).for_organisation(council).count()
        admin_rows = model.objects.filter(**{by_council: council.pk}).count()
        ours_last = max(1, math.ceil(ours_rows / LIST_PER_PAGE))
        admin_last = max(1, math.ceil(admin_rows / LIST_PER_PAGE))
        ours = reverse(ours_name)
        admin = f"{reverse(admin_name)}?{by_council}={council.pk}"
        paths[name, "ours", "first"] = ours
        paths[name, "ours", "last"] = f"{ours}?page={ours_last}"
        paths[name, "admin", "first"] = admin
        paths[name, "admin", "last"] = f"{admin}&p={admin_last}"
        sizes[name] = {
            "ours_rows": ours_rows,
            "admin_rows": admin_rows,
            "ours_last": ours_last,
            "admin_last": admin_last,
        }
    return paths, sizes


def count_queries(paths, password, explain_size):
    """Queries per page: the second request of each page (the first warms
    Django's caches), through the test client signed in as `admin`. For
    the pages of `explain_size` items, the plan of the slowest query too."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client(SERVER_NAME=HOST, raise_request_exception=False)
    response = client.post(
        reverse("login"), {"username": USERNAME, "password": password}
    )
    if response.status_code == 302:
        response = client.post(reverse("sign_in_code"), {"code": admin_code()})
    if response.status_code != 302:
        raise BenchError(
            f"signing in as {USERNAME!r} in-process answered "
            f"{response.status_code}, not a redirect"
        )
    counts = {}
    for key, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        slowest = sorted(
            queries.captured_queries, key=lambda q: float(q["time"]), reverse=True
        )[:3]
        counts[key] = {
            "status": response.status_code,
            "queries": len(queries),
            "query_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
            "slowest_queries": [
                {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:8000]}
                for q in slowest
            ],
            "slowest_plan": (
                explain(connection, slowest[0]["sql"])
                if slowest and key[0] == explain_size
                else None
            ),
            "bytes": len(response.content),
            "lists_items": b"BN-" in response.content,
        }
    connection.close()
    return counts


def explain(connection, sql):
    """PostgreSQL's plan (EXPLAIN, not run) for a captured SELECT, as lines."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            return [row[0] for row in cursor.fetchall()]
    except Exception as exc:  # a plan is a nice-to-have, never fatal
        return [f"(no plan: {exc})"]


# --- the server ------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cores():
    """(server core, load-generator core), or (None, None) without two cores."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) >= 2 and shutil.which("taskset"):
        return available[0], available[1]
    return None, None


def pinned(core, command):
    return command if core is None else ["taskset", "-c", str(core), *command]


class Server:
    """gunicorn with the production settings, on loopback, pinned to one core."""

    def __init__(self, env, core, log_path, pid_path):
        self.port = free_port()
        self.log_path, self.pid_path = log_path, pid_path
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--chdir",
            str(ROOT),
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "4",
            "--bind",
            f"{HOST}:{self.port}",
            "--pid",
            str(pid_path),
            "--no-control-socket",
            "--log-level",
            "warning",
        ]
        self.command = pinned(core, command)
        self.log = open(log_path, "w")  # closed in stop()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def origin(self):
        return f"http://{HOST}:{self.port}"

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with status {self.process.returncode}:\n"
                    + self.log_tail()
                )
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz in {timeout} s")

    def log_tail(self, lines=20):
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return ""

    def worker_memory(self):
        """Peak and current resident memory of the master and its workers."""
        pids = [("master", self.process.pid)]
        try:
            children = Path(
                f"/proc/{self.process.pid}/task/{self.process.pid}/children"
            ).read_text()
            pids += [("worker", int(pid)) for pid in children.split()]
        except OSError:
            pass
        found = []
        for role, pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = dict(
                line.split(":", 1) for line in status.splitlines() if ":" in line
            )
            found.append(
                {
                    "role": role,
                    "pid": pid,
                    "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
                    "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
                }
            )
        return found

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


class Browser:
    """Just enough of a browser: one cookie jar, requests over http.client."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    @property
    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        conn.close()
        return response, content

    def post_form(self, path, fields):
        """GET the form at `path` for its CSRF token, POST `fields` back."""
        response, content = self.request("GET", path)
        if response.status != 200:
            raise BenchError(f"GET {path} answered {response.status}")
        match = re.search(
            rb'<input[^>]*name="csrfmiddlewaretoken"[^>]*value="([^"]+)"', content
        ) or re.search(
            rb'<input[^>]*value="([^"]+)"[^>]*name="csrfmiddlewaretoken"', content
        )
        if not match:
            raise BenchError(f"the page {path} has no CSRF token field")
        body = urllib.parse.urlencode(
            {**fields, "csrfmiddlewaretoken": match.group(1).decode()}
        )
        response, _ = self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.server.origin,
                "Referer": self.server.origin + path,
            },
        )
        return response

    def sign_in(self, username, password, code):
        """A real sign-in: the password, then the code `code()` gives."""
        response = self.post_form(
            "/sign-in/", {"username": username, "password": password}
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(
                f"signing in as {username!r} answered {response.status} "
                "without a session cookie"
            )
        response = self.post_form("/sign-in/code/", {"code": code()})
        if response.status != 302:
            raise BenchError(
                f"the code from {username!r}'s authenticator app answered "
                f"{response.status}, not a redirect"
            )
        # Follow the redirect once, as a browser would.
        location = urllib.parse.urlsplit(response.getheader("Location", "/"))
        self.request("GET", location.path or "/")


# --- the load generator -------------------------------------------------------------


def run_wrk(url, seconds, cookie, args, core):
    command = pinned(
        core,
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
    )
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish: {url}") from exc
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise BenchError(f"wrk gave no figures for {url}:\n{done.stdout}\n{done.stderr}")


def summarise(runs):
    """Medians over the measured runs, in milliseconds and requests/second."""

    def median(values):
        return statistics.median(values)

    return {
        "p50_ms": median(run["p50_us"] for run in runs) / 1000,
        "p95_ms": median(run["p95_us"] for run in runs) / 1000,
        "p99_ms": median(run["p99_us"] for run in runs) / 1000,
        "req_per_s": median(run["requests"] / run["duration_us"] * 1e6 for run in runs),
        "errors": sum(
            run["non_2xx"]
            + run["connect_errors"]
            + run["read_errors"]
            + run["write_errors"]
            + run["timeouts"]
            for run in runs
        ),
        "requests": sum(run["requests"] for run in runs),
        "bytes_per_response": round(
            sum(run["bytes"] for run in runs)
            / max(1, sum(run["requests"] for run in runs))
        ),
    }


# --- the report ------------------------------------------------------------------


def add_ratios(results):
    by_key = {(row["size"], row["which"], row["position"]): row for row in results}
    base = by_key.get((min(row["size"] for row in results), "ours", "first"))
    for row in results:
        row["ratio_to_ours_first_smallest"] = (
            round(row["p50_ms"] / base["p50_ms"], 2) if base else None
        )
        admin = by_key.get((row["size"], "admin", row["position"]))
        row["ratio_to_admin"] = (
            round(row["p50_ms"] / admin["p50_ms"], 2)
            if admin and row["which"] == "ours"
            else None
        )
        row["req_per_s_ratio_to_admin"] = (
            round(row["req_per_s"] / admin["req_per_s"], 2)
            if admin and row["which"] == "ours"
            else None
        )


#: Issue 19's targets for a list page against the admin changelist.
TARGET_VS_ADMIN = 0.8
TARGET_DEEP_VS_SMALL = 1.5


def measure_lists(paths, sizes, counts, server, cookie, args, load_core):
    """The other lists' pages under load, taking turns within a list as the
    workplan's pages do; each with its ratio to the admin's same page."""
    results = []
    for name, *_ in LISTS:
        keys = [
            (name, which, position)
            for which, position in PAGES
            if (name, which, position) in paths
        ]
        runs = {key: [] for key in keys}
        if args.warmup:
            for key in keys:
                run_wrk(
                    server.origin + paths[key], args.warmup, cookie, args, load_core
                )
        for _ in range(args.runs):
            for key in keys:
                runs[key].append(
                    run_wrk(
                        server.origin + paths[key],
                        args.duration,
                        cookie,
                        args,
                        load_core,
                    )
                )
        for key in keys:
            _, which, position = key
            figures = summarise(runs[key])
            last = sizes[name][f"{which}_last"]
            results.append(
                {
                    "list": name,
                    "rows": sizes[name][f"{which}_rows"],
                    "which": which,
                    "position": position,
                    "page": 1 if position == "first" else last,
                    "path": paths[key],
                    **figures,
                    "queries": counts[key]["queries"],
                    "query_ms_in_process": counts[key]["query_ms"],
                    "runs": runs[key],
                }
            )
            say(
                f"  {name:<10} {which:<5} {position:<5} "
                f"p50 {figures['p50_ms']:7.1f} ms  "
                f"{figures['req_per_s']:6.0f} req/s  errors {figures['errors']}"
            )
    by_key = {(r["list"], r["which"], r["position"]): r for r in results}
    for row in results:
        admin = by_key.get((row["list"], "admin", row["position"]))
        row["ratio_to_admin"] = (
            round(row["p50_ms"] / admin["p50_ms"], 2)
            if admin and row["which"] == "ours"
            else None
        )
    return results


def list_summary_rows(results):
    rows = []
    by_key = {(r["list"], r["which"], r["position"]): r for r in results}
    for r in results:
        if r["which"] != "ours":
            continue
        admin = by_key.get((r["list"], "admin", r["position"]))
        where = f"{r['list']} {r['position']} page, {r['rows']:,} rows"
        rows.append(
            summary.row(
                f"{where}: p50 {r['p50_ms']:.1f} ms / admin's",
                r["ratio_to_admin"],
                "x",
                limit=TARGET_VS_ADMIN,
            )
        )
        if admin is not None:
            rows.append(
                summary.row(
                    f"{where}: queries",
                    r["queries"],
                    "",
                    limit=admin["queries"],
                    target=f"<= admin's {admin['queries']}",
                )
            )
    return rows


def print_list_table(results):
    headers = ["list", "page", "rows", "p50 ms", "p95 ms", "req/s", "n", "errors"]
    headers += ["queries", "x admin"]
    rows = [
        [
            r["list"],
            f"{r['which']} {r['position']} (p.{r['page']:,})",
            f"{r['rows']:,}",
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['req_per_s']:.0f}",
            str(r["requests"]),
            str(r["errors"]),
            str(r["queries"]),
            "-" if r["ratio_to_admin"] is None else f"{r['ratio_to_admin']:.2f}",
        ]
        for r in results
    ]
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)
    ]

    def line(cells):
        return " | ".join(
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        )

    say(line(headers))
    say("-+-".join("-" * width for width in widths))
    for row in rows:
        say(line(row))


def summary_rows(results):
    """The figures with targets, for the table `make bench` ends with."""
    rows = []
    by_key = {(r["size"], r["which"], r["position"]): r for r in results}
    for r in results:
        if r["which"] != "ours":
            continue
        admin = by_key.get((r["size"], "admin", r["position"]))
        where = f"workplan {r['position']} page, {r['size']:,} items"
        rows.append(
            summary.row(
                f"{where}: p50 {r['p50_ms']:.1f} ms / admin's",
                r["ratio_to_admin"],
                "x",
                limit=TARGET_VS_ADMIN,
            )
        )
        if admin is not None and r["queries"] is not None:
            rows.append(
                summary.row(
                    f"{where}: queries",
                    r["queries"],
                    "",
                    limit=admin["queries"],
                    target=f"<= admin's {admin['queries']}",
                )
            )
    sizes = sorted({r["size"] for r in results})
    deep = by_key.get((sizes[-1], "ours", "last"))
    small = by_key.get((sizes[0], "ours", "first"))
    if deep and small and len(sizes) > 1:
        rows.append(
            summary.row(
                f"workplan last page at {sizes[-1]:,} / first page at {sizes[0]:,}",
                round(deep["p50_ms"] / small["p50_ms"], 2),
                "x",
                limit=TARGET_DEEP_VS_SMALL,
            )
        )
    return rows


def print_table(results, smallest):
    headers = [
        "items",
        "page",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "req/s",
        "n",
        "errors",
        "queries",
        f"x ours@{smallest:,}",
        "x admin",
    ]
    rows = []
    for row in results:
        ratio_base = row["ratio_to_ours_first_smallest"]
        ratio_admin = row["ratio_to_admin"]
        rows.append(
            [
                f"{row['size']:,}",
                f"{row['which']} {row['position']} (p.{row['page']:,})",
                f"{row['p50_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                f"{row['p99_ms']:.1f}",
                f"{row['req_per_s']:.0f}",
                str(row["requests"]),
                str(row["errors"]),
                "?" if row["queries"] is None else str(row["queries"]),
                "-" if ratio_base is None else f"{ratio_base:.2f}",
                "-" if ratio_admin is None else f"{ratio_admin:.2f}",
            ]
        )
    widths = [
        max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(len(headers))
    ]
    left = {0, 1}

    def line(cells):
        return " | ".join(
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        )

    say(line(headers))
    say("-+-".join("-" * width for width in widths))
    for r in rows:
        say(line(r))


def shorten(sql, width=220):
    sql = " ".join(sql.split())
    # The column list says little: "SELECT ... FROM" keeps what does.
    sql = re.sub(r"^SELECT (DISTINCT )?.{60,}? FROM ", r"SELECT \1... FROM ", sql)
    return sql if len(sql) <= width else sql[: width - 3] + "..."


def plan_outline(plan, nodes=6):
    """ "Limit > Sort > Hash Join > ...": the first plan nodes, outermost first."""
    names = []
    for line in plan:
        text = line.strip()
        if text.startswith("->"):
            text = text[2:].strip()
        elif names:
            continue  # a detail line (Sort Key, Filter, ...)
        names.append(text.split("  (cost=")[0])
    return " > ".join(names[:nodes])


def tool_versions():
    versions = {"python": platform.python_version()}
    try:
        import django
        import gunicorn

        versions["django"] = django.get_version()
        versions["gunicorn"] = gunicorn.__version__
    except ImportError:
        pass
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    versions["wrk"] = (wrk.stdout or wrk.stderr).splitlines()[0].strip()
    return versions


# --- main ----------------------------------------------------------------------------


class Interrupted(Exception):
    pass


def stop_on_signal(signum, frame):
    raise Interrupted(signum)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    if not shutil.which("wrk"):
        say(
            "bench: wrk is not installed. Install it (Debian/Ubuntu: "
            "sudo apt-get install wrk) and run `make bench` again."
        )
        return 1
    RESULTS.mkdir(exist_ok=True)
    state = {"server": None, "database_url": None}
    try:
        return run(args, state)
    except BenchError as exc:
        say(f"\nbench: {exc}")
        return 1
    except (Interrupted, KeyboardInterrupt) as exc:
        signum = exc.args[0] if isinstance(exc, Interrupted) else signal.SIGINT
        say(f"\nbench: interrupted ({signal.Signals(signum).name}); cleaning up.")
        return 128 + signum
    finally:
        if state["server"] is not None:
            state["server"].stop()
        if state["database_url"] and not args.keep_db:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: S110 (Django may not be set up)
                pass
            try:
                recreate_database(state["database_url"], DATABASE, create=False)
            except BenchError as exc:
                say(f"bench: {exc}")


def run(args, state):
    started = time.monotonic()
    sizes = args.sizes
    per_page_seconds = args.warmup + args.runs * args.duration
    groups = len(sizes) + (len(LISTS) if args.list_rows else 0)
    say(
        f"make bench: {groups} workplan sizes and lists x {len(PAGES)} pages x "
        f"({args.warmup:g} s warm-up + {args.runs} x {args.duration:g} s) "
        f"= about {groups * len(PAGES) * per_page_seconds / 60:.1f} min "
        "of load, plus set-up."
    )
    server_core, load_core = cores()

    # 1. Database and data.
    base_url = server_url()
    database_url = with_database(base_url, DATABASE)
    say(f"\nSet-up (database {DATABASE!r}, dropped and created, on {base_url}):")
    recreate_database(base_url, DATABASE)
    state["database_url"] = base_url
    password = secrets.token_urlsafe(16)
    env = environment(database_url, RESULTS / "static")
    set_up_django(env)
    workplans = load_everything(sizes, password, args.list_rows)

    # 2. Which pages exist, and their queries.
    paths, problems = page_paths(workplans)
    counts = count_queries(paths, password, max(sizes)) if paths else {}
    for key, found in counts.items():
        size, which, position = key
        if found["status"] != 200:
            name = "our workplan page" if which == "ours" else "the admin changelist"
            problems.append(
                f"{name} ({position} page, {size:,} items) answered "
                f"{found['status']}, not 200: {paths[key]}"
                + (
                    " - is it built yet?"
                    if found["status"] == 404 and position == "first"
                    else " - see the traceback above"
                    if found["status"] >= 500
                    else ""
                )
            )
            paths.pop(key)
        elif not found["lists_items"]:
            say(f"  warning: {paths[key]} lists no item reference (BN-...)")
    list_paths_, list_sizes = list_paths() if args.list_rows else ({}, {})
    list_counts = count_queries(list_paths_, password, None) if list_paths_ else {}
    for key, found in list_counts.items():
        if found["status"] != 200:
            problems.append(
                f"{key[0]} list ({key[1]}, {key[2]} page) answered "
                f"{found['status']}, not 200: {list_paths_[key]}"
            )
            list_paths_.pop(key)
    for problem in problems:
        say(f"\nbench: {problem}")
    if not paths:
        raise BenchError("nothing left to measure.")
    from django.db import connections

    connections.close_all()

    # 3. The server, and a signed-in session.
    log_path, pid_path = RESULTS / "gunicorn.log", RESULTS / "gunicorn.pid"
    server = Server(env, server_core, log_path, pid_path)
    state["server"] = server
    server.wait_ready()
    browser = Browser(server)
    browser.sign_in(USERNAME, password, admin_code)
    for path in [*paths.values(), *list_paths_.values()]:
        response, _ = browser.request("GET", path)
        if response.status != 200:
            raise BenchError(
                f"over HTTP, signed in as {USERNAME!r}, {path} answered "
                f"{response.status}"
                + (
                    f" (redirected to {response.getheader('Location')})"
                    if response.getheader("Location")
                    else f"; see {log_path.relative_to(ROOT)}"
                )
            )
    cookie = browser.cookie_header
    if server_core is None:
        say("\nnote: fewer than two cores (or no taskset): nothing is pinned.")
    say(
        f"\nServer: gunicorn gthread 1 worker x 4 threads on core {server_core}, "
        f"{server.origin}, production settings (DEBUG off). "
        f"Load: wrk -t{args.threads} -c{args.connections} on core {load_core}. "
        "PostgreSQL is not pinned."
    )

    # 4. Load. Within a size the pages take turns (run 1 of each page, then
    # run 2 of each, ...), so a burst of other work on the machine falls on
    # all of them alike and the same-size ratios stay fair.
    results = []
    load_before = os.getloadavg()
    for row in workplans:
        keys = [
            (row["size"], which, position)
            for which, position in PAGES
            if (row["size"], which, position) in paths
        ]
        runs = {key: [] for key in keys}
        if args.warmup:
            for key in keys:
                run_wrk(
                    server.origin + paths[key], args.warmup, cookie, args, load_core
                )
        for _ in range(args.runs):
            for key in keys:
                runs[key].append(
                    run_wrk(
                        server.origin + paths[key],
                        args.duration,
                        cookie,
                        args,
                        load_core,
                    )
                )
        for key in keys:
            _, which, position = key
            figures = summarise(runs[key])
            results.append(
                {
                    "size": row["size"],
                    "workplan_id": row["workplan_id"],
                    "which": which,
                    "position": position,
                    "page": 1 if position == "first" else row["last_page"],
                    "path": paths[key],
                    **figures,
                    "queries": counts[key]["queries"],
                    "query_ms_in_process": counts[key]["query_ms"],
                    "slowest_queries_in_process": counts[key]["slowest_queries"],
                    "slowest_query_plan": counts[key]["slowest_plan"],
                    "runs": runs[key],
                }
            )
            say(
                f"  {row['size']:>7,} {which:<5} {position:<5} "
                f"p50 {figures['p50_ms']:7.1f} ms  "
                f"{figures['req_per_s']:6.0f} req/s  errors {figures['errors']}"
            )
    list_results = measure_lists(
        list_paths_, list_sizes, list_counts, server, cookie, args, load_core
    )
    load_after = os.getloadavg()
    memory = server.worker_memory()
    server.stop()
    state["server"] = None

    # 5. Report.
    add_ratios(results)
    summary.record("pages", summary_rows(results) + list_summary_rows(list_results))
    smallest = min(sizes)
    say(
        f"\nMedians of {args.runs} runs of {args.duration:g} s each (n: requests "
        "measured in all; with few, p95 and p99 are rough). Ratios are "
        f"p50 / p50 in this run: 'x ours@{smallest:,}' against our first page "
        f"at {smallest:,} items, 'x admin' against the admin changelist's same "
        "page at the same size (below 1: ours is faster). Only the ratios "
        "compare across runs: the machine is shared (+/-20-30 %).\n"
    )
    print_table(results, smallest)
    if list_results:
        say(
            f"\nThe other lists ({LIST_PER_PAGE} a page) against their admin "
            "changelists on the same rows, same figures:\n"
        )
        print_list_table(list_results)
    say()
    for process in memory:
        say(
            f"gunicorn {process['role']} (pid {process['pid']}): peak RSS "
            f"{process['peak_rss_mb']} MB, now {process['rss_mb']} MB"
        )
    say(
        f"Load average (1 min) {load_before[0]:.2f} before the load runs, "
        f"{load_after[0]:.2f} after (this benchmark itself adds about 2; much "
        "more means other work shared the cores)."
    )
    largest = max(sizes)
    for row in results:
        if row["size"] == largest and row["slowest_queries_in_process"]:
            worst = row["slowest_queries_in_process"][0]
            say(
                f"Slowest query, {row['which']} {row['position']} page at "
                f"{largest:,} items ({row['queries']} queries, "
                f"{row['query_ms_in_process']} ms in all, in-process): "
                f"{worst['ms']} ms: {shorten(worst['sql'])}"
            )
            if row["slowest_query_plan"]:
                say(f"  plan: {plan_outline(row['slowest_query_plan'])}")
    elapsed = time.monotonic() - started
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "elapsed_s": round(elapsed, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "server_core": server_core,
            "load_core": load_core,
            "platform": platform.platform(),
        },
        "versions": tool_versions(),
        "method": {
            "server": "gunicorn config.wsgi --worker-class gthread --workers 1 "
            "--threads 4, settings tests.bench.settings (= production + "
            "STATIC_ROOT), DEBUG off",
            "load": f"wrk -t{args.threads} -c{args.connections} --latency, "
            f"{args.warmup:g} s warm-up then {args.runs} x {args.duration:g} s",
            "figures": "medians over the runs; errors = non-2xx + socket errors, "
            "summed over the runs",
            "queries": "second request of each page via django.test.Client, "
            "same settings and database",
            "data": "items by INSERT ... SELECT FROM generate_series; no history "
            "rows, no milestones; 1-2 departments per item",
            "per_page": PER_PAGE,
        },
        "workplans": workplans,
        "problems": problems,
        "results": results,
        "lists": list_results,
        "gunicorn_memory": memory,
        "load_average": {"before": load_before, "after": load_after},
    }
    out = RESULTS / "bench.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    say(f"\nFigures written to {out.relative_to(ROOT)}. Took {elapsed / 60:.1f} min.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
