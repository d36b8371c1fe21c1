"""The mixed load of `scripts/bench.sh load` (`tests/bench/load.py`), as
Locust users: members reading, officers filtering, updating progress and
exporting, clerks editing an agenda and publishing a decision, and one clerk
asking for an agenda pack and waiting for the paper worker to make it.

Run by `load.py` as `locust -f tests/bench/locustfile.py --headless ...`,
with BENCH_LOAD_PLAN naming the JSON file it wrote: each simulated user's
session cookie (signed in, second factor passed) and the paths of the bench
data it works on. Each simulated user has an account of its own and works on
rows no other simulated user touches (its own items, agenda, drafts), so
every edit guard conflict or refusal is an error of the product, not of
the script. Forms are read and posted back as a browser would: every field
of the page's form as loaded (the CSRF token and the edit guard's
`version` included), one or two of them changed.

This module imports nothing of Django (its forms are read by
`load_forms.py`): Locust patches the standard library
(gevent) as it starts, so it runs in its own process.
"""

import itertools
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from gevent.event import Event
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

# Locust imports this file by its path: the checkout's root makes the
# project's modules importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.load_forms import changed, page_form, progress_given  # noqa: E402

#: The plan `load.py` wrote (absent when the module is only imported, as
#: its test does: the users then have no accounts and run nothing).
PLAN_PATH = os.environ.get("BENCH_LOAD_PLAN", "")
PLAN = json.loads(open(PLAN_PATH).read()) if PLAN_PATH else {}  # noqa: SIM115, PTH123

#: How long a simulated person looks at a page before the next (seconds).
THINK = between(1, 4)
#: How long the pack's requester waits between looks at the job page.
PACK_POLL_SECONDS = 2
#: How long the pack may take before the wait counts as an error.
PACK_TIMEOUT_SECONDS = 600
#: Where to write the server's timings of each request (`server_timing.py`).
TIMING_PATH = os.environ.get("BENCH_LOAD_TIMING", "")
#: Seconds of load before the measured time (`load.py --warm-up`): every
#: user is started and at work, the server's connection pools and caches
#: and PostgreSQL's fill; then the figures start afresh. What the warm-up
#: measured is written to WARM_UP_PATH, its errors included.
WARM_UP_SECONDS = float(os.environ.get("BENCH_LOAD_WARM_UP", "0") or 0)
WARM_UP_PATH = os.environ.get("BENCH_LOAD_WARM_UP_PATH", "")
#: Set when the measured time starts.
MEASURING = Event()
#: How long into the measured time the pack is asked for, so that it is
#: made while the figures are taken.
PACK_AFTER_SECONDS = 5


# --- the simulated people -------------------------------------------------------

ACCOUNTS = {
    kind: iter(PLAN.get(kind, []))
    for kind in ("members", "officers", "clerks", "pack_requesters")
}
READING = PLAN.get("reading", {})


class Person(FastHttpUser):
    """A signed-in person with an account of their own from the plan.

    Locust's FastHttpUser (geventhttpclient), not HttpUser (python-requests):
    a cheaper client a request, and the load generator shares the two cores
    with the server it measures."""

    abstract = True
    wait_time = THINK
    kind = ""
    # As a browser does, a request sent on a kept-alive connection that the
    # server closed meanwhile (gunicorn's keep-alive is 2 s; people think
    # 1-4 s) is sent again once on a new connection. (A save sent twice
    # would be refused by its edit guard and counted as an error.)
    max_retries = 1

    def on_start(self):
        self.account = next(ACCOUNTS[self.kind], None)
        if self.account is None:
            raise RuntimeError(f"the plan has too few {self.kind} for the users")
        self.client.cookiejar.set_cookie(
            create_cookie("sessionid", self.account["session"])
        )

    def view(self, path, name, **kwargs):
        """GET a page; any answer but 200 is a failure."""
        with self.client.get(path, name=name, catch_response=True, **kwargs) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} from {path}: {getattr(r, 'error', '')}")
            return r

    def edit(self, path, name, updates):
        """GET the form at `path` (following a redirect to where the form
        is), POST its fields back with `updates(fields)`; the save must
        redirect."""
        page = self.view(path, f"{name} (form)")
        if page.status_code != 200:
            return None
        fields = page_form(page.text)
        if fields is None:
            page.failure(f"no form at {page.url}")
            return None
        with self.client.post(
            page.url,
            data=urlencode(changed(fields, updates(fields))),
            name=f"{name} (save)",
            allow_redirects=False,
            headers={
                "Referer": page.url,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            catch_response=True,
        ) as saved:
            if saved.status_code != 302:
                saved.failure(f"{saved.status_code} saving {page.url}")
            return saved


class Member(Person):
    """A councillor reading the council's strategies, workplans and decisions."""

    kind = "members"
    fixed_count = PLAN.get("counts", {}).get("members", 0)

    @task(3)
    def read_a_strategy(self):
        self.view(READING["strategy_list"], "member: strategies list")
        self.view(random.choice(READING["strategies"]), "member: strategy")

    @task(3)
    def read_a_workplan(self):
        self.view(READING["workplan_list"], "member: workplans list")
        self.view(random.choice(READING["workplans"]), "member: workplan")

    @task(4)
    def read_decisions(self):
        self.view(READING["decision_list"], "member: decisions list")
        self.view(random.choice(READING["decisions"]), "member: decision")

    @task(1)
    def home(self):
        self.view("/", "member: home")


class Officer(Person):
    """An officer filtering a workplan, updating the progress of the items
    they lead, and exporting the workplan as CSV."""

    kind = "officers"
    fixed_count = PLAN.get("counts", {}).get("officers", 0)

    def on_start(self):
        super().on_start()
        self.items = itertools.cycle(self.account["items"])
        self.step = 0

    @task(4)
    def filter_the_workplan(self):
        self.view(random.choice(PLAN["filters"]), "officer: workplan filtered")

    @task(3)
    def update_progress(self):
        self.step += 1
        self.edit(
            next(self.items),
            "officer: progress",
            lambda fields: progress_given(fields, random.randint(5, 95), self.step),
        )

    @task(1)
    def export_csv(self):
        self.view(random.choice(PLAN["exports"]), "officer: workplan CSV")


class Clerk(Person):
    """A clerk editing their meeting's agenda and publishing decisions."""

    kind = "clerks"
    fixed_count = PLAN.get("counts", {}).get("clerks", 0)

    def on_start(self):
        super().on_start()
        self.drafts = iter(self.account["drafts"])
        self.step = 0

    @task(3)
    def edit_the_agenda(self):
        self.step += 1
        self.edit(
            self.account["agenda"],
            "clerk: agenda",
            lambda fields: {
                "agenda_items-0-title": f"Load test item, edit {self.step}"
            },
        )

    @task(2)
    def publish_a_decision(self):
        path = next(self.drafts, None)
        if path is None:
            return  # all of this clerk's drafts are published
        self.edit(path, "clerk: publish decision", lambda fields: {})

    @task(2)
    def read_the_meeting(self):
        self.view(self.account["meeting"], "clerk: meeting")


class PackRequester(Person):
    """The clerk who asks for an agenda pack, follows its job page until the
    paper worker has made it, then downloads it; then reads the meeting now
    and then."""

    kind = "pack_requesters"
    fixed_count = len(PLAN.get("pack_requesters", []))
    wait_time = constant(5)

    def on_start(self):
        super().on_start()
        MEASURING.wait()
        gevent.sleep(PACK_AFTER_SECONDS)
        started = time.monotonic()
        pack = PLAN["pack"]
        error = None
        asked = self.client.get(pack, name="pack: ask", allow_redirects=False)
        job = asked.headers.get("Location", "")
        if asked.status_code != 302 or not job:
            error = f"asking for the pack answered {asked.status_code}"
        while error is None:
            state = self.client.get(
                job, name="pack: job page", headers={"Accept": "application/json"}
            )
            found = state.json() if state.status_code == 200 else {}
            if found.get("finished"):
                if found.get("status") != "ready":
                    error = f"the pack's job ended {found.get('status')!r}"
                break
            if time.monotonic() - started > PACK_TIMEOUT_SECONDS:
                error = f"no pack after {PACK_TIMEOUT_SECONDS} s"
                break
            time.sleep(PACK_POLL_SECONDS)
        if error is None:
            pdf = self.client.get(pack, name="pack: download")
            if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
                error = f"the pack's download answered {pdf.status_code}"
        events.request.fire(
            request_type="PACK",
            name="pack: asked until downloaded",
            response_time=(time.monotonic() - started) * 1000,
            response_length=0,
            exception=RuntimeError(error) if error else None,
            context={},
        )

    @task
    def read_the_meeting(self):
        self.view(self.account["meeting"], "clerk: meeting")


# --- where the time went ---------------------------------------------------------

#: Per request name, (Locust's ms, the server's `app`, `cpu` and `db` ms).
TIMINGS = {}


def server_timing(header):
    """`{"app": 12.5, "cpu": 8.0, "db": 3.1, "start": 1.8e12}` from a
    `Server-Timing` header (a metric's `dur`, or its `desc` where it has no
    duration: `start`, milliseconds since the epoch)."""
    found = {}
    for metric in header.split(","):
        name, _, params = metric.strip().partition(";")
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur" or (key == "desc" and name not in found):
                found[name] = float(value)
    return found


@events.request.add_listener
def keep_server_timing(name, response_time, response=None, start_time=None, **kwargs):
    header = response.headers.get("Server-Timing") if response is not None else None
    if header:
        found = server_timing(header)
        # The wait before the app: from Locust starting the request
        # (`start_time`, seconds since the epoch) to the first middleware.
        before = None
        if found.get("start") and start_time:
            before = found["start"] - start_time * 1000
        TIMINGS.setdefault(name, []).append(
            (
                response_time,
                found.get("app"),
                found.get("cpu"),
                found.get("db"),
                before,
                start_time,
            )
        )


@events.test_start.add_listener
def start_the_clock(environment, **kwargs):
    """After WARM_UP_SECONDS, keep what the warm-up measured and start every
    figure afresh."""

    def measure():
        gevent.sleep(WARM_UP_SECONDS)
        total = environment.stats.total
        warm_up = {
            "seconds": WARM_UP_SECONDS,
            "requests": total.num_requests,
            "failures": total.num_failures,
            "p50_ms": total.get_response_time_percentile(0.5),
            "p95_ms": total.get_response_time_percentile(0.95),
            "errors": [
                {
                    "name": error.name,
                    "error": str(error.error),
                    "occurrences": error.occurrences,
                }
                for error in environment.stats.errors.values()
            ],
        }
        if WARM_UP_PATH:
            Path(WARM_UP_PATH).write_text(json.dumps(warm_up))
        environment.stats.reset_all()
        TIMINGS.clear()
        MEASURING.set()

    if WARM_UP_SECONDS > 0:
        gevent.spawn(measure)
    else:
        MEASURING.set()


@events.test_stop.add_listener
def write_server_timing(**kwargs):
    if TIMING_PATH:
        Path(TIMING_PATH).write_text(json.dumps(TIMINGS))
