"""`make bench`, load: 50 people using the site at once, for a fixed time.

1. Drops and creates the database `bench_load`, migrates it, loads the demo
   (`load_demo`), and adds to its council Ashcombe, through the ordinary
   code (`save_with_reason`, the tests' builders): an account for each
   simulated person (members, officers, clerks, one more clerk for the
   pack), a meeting with an agenda of three reports for each clerk, drafts
   of decisions for each clerk to publish (more than a run can use), and a
   meeting whose agenda pack nobody has asked for yet. Each simulated person
   is signed in, second factor passed, with a session in the database (as
   `tests.base.sign_in` does). Officers share out the items of the workplans
   whose progress is kept, so that no two update the same item.
2. Starts gunicorn with the production settings (`tests.bench.
   load_settings`: DEBUG off, cached templates, pooled connections) sized
   for the machine's two cores, a sync worker a core (`config/gunicorn.py`), as
   the README's deployment section runs it, and the paper worker (`manage.py
   paper_worker`) beside it; nothing is pinned: the server, the worker,
   PostgreSQL and Locust share the two cores.
3. Runs Locust headless (`tests/bench/locustfile.py`) on loopback: 50 users
   (60 % members, 25 % officers, the rest clerks and the one who asks for
   the pack), 10 started a second, each thinking 1 to 4 s between pages:
   first `--warm-up` seconds (15) that are not counted (every user is
   started and at work, the server's connection pools, PostgreSQL's
   buffers of the database just copied and the processes' caches fill, as
   on a server that has been running; their figures are printed apart and
   their errors still count), then `--duration` seconds (60) measured, the
   pack asked for 5 s into them. Then waits for the pack's job (at most ten
   minutes) if it is not done yet.
4. Prints requests per second, p50/p95/p99 and errors for every step of
   every journey, whether the pack was made and how long it took, and the
   figures beside their targets (no errors; p95 of page views within
   150 ms); then, per step, where the time went: each response's
   `Server-Timing` header (`server_timing.py`) splits Locust's figure into
   the app's own time (its CPU and its queries) and the wait outside it
   (gunicorn's queue for a thread, the loopback, Locust). Writes everything
   to bench-results/load.json and records the rows of the summary table.
   Figures, not pass or fail.

    scripts/bench.sh load [--duration 60] [--warm-up 15] [--users 50] [--keep-db]
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import summary
from .run_bench import (
    HOST,
    RESULTS,
    ROOT,
    BenchError,
    Interrupted,
    Server,
    environment,
    free_port,
    recreate_database,
    say,
    server_url,
    set_up_django,
    stop_on_signal,
    with_database,
)

DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "bench_load")
COUNCIL = "ashcombe"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
#: Issue 19's targets.
TARGET_PAGE_P95_MS = 150
TARGET_ERRORS = 0
#: Drafts made for each clerk for each minute of the run: more than a clerk
#: publishes (at most one every 1 s of thinking, 2 tasks in 7).
DRAFTS_PER_CLERK_MINUTE = 20
#: Each page asked for this many times, one at a time, before the load.
ALONE_REQUESTS = 5
#: How long to wait for the pack after the run.
PACK_WAIT_SECONDS = 600


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/bench.sh load")
    parser.add_argument("--duration", type=int, default=60, help="seconds (60)")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=15,
        help="seconds of load before the measured time, not counted (15)",
    )
    parser.add_argument("--users", type=int, default=50, help="simulated (50)")
    parser.add_argument("--spawn-rate", type=int, default=10, help="users/s (10)")
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database afterwards"
    )
    parser.add_argument(
        "--template",
        help="copy this database (migrated, demo loaded, not yet used by a "
        "load run) instead of migrating and loading the demo: for repeated runs",
    )
    args = parser.parse_args(argv)
    if not 10 <= args.duration <= 900:
        parser.error("--duration 10..900 keeps a run bounded")
    if not 0 <= args.warm_up <= 120:
        parser.error("--warm-up 0..120")
    if not 5 <= args.users <= 200 or not 1 <= args.spawn_rate <= 50:
        parser.error("--users 5..200, --spawn-rate 1..50")
    return args


def counts_for(users):
    """How many of each kind of person among `users` simulated ones."""
    members = round(users * 0.6)
    officers = round(users * 0.25)
    return {
        "members": members,
        "officers": officers,
        "clerks": users - members - officers - 1,
        "pack_requesters": 1,
    }


# --- the data ---------------------------------------------------------------------


class Cast:
    """Just enough of `tests.base.Cast` for its builders."""

    def __init__(self, officer):
        self.officer = officer


def build_data(
    council, counts, drafts_per_clerk=DRAFTS_PER_CLERK_MINUTE, prefix="load"
):
    """The accounts and business of the load on `council` (which has an
    executive committee, people and approved records): returns the plan
    without sessions, each account with its `user`."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from decisions.choices import CommitteeKind
    from decisions.models import Committee, DecisionRecord
    from governance.choices import Role
    from governance.policy import ITEM
    from strategy.models import Strategy
    from tests.base import make_decision, make_meeting, make_person, make_report
    from tests.base import put_on_agenda as put
    from workplan.models import Workplan, WorkplanItem
    from workplan.reviews import open_review, progress_link

    roles = {
        "members": Role.MEMBER,
        "officers": Role.OFFICER,
        "clerks": Role.CLERK,
        "pack_requesters": Role.CLERK,
    }
    people = {
        kind: [
            make_person(f"{prefix}-{kind[:-1]}-{n:02d}", council, roles[kind])
            for n in range(1, counts[kind] + 1)
        ]
        for kind in roles
    }
    executive = Committee.objects.filter(
        organisation=council, kind=CommitteeKind.EXECUTIVE
    ).order_by("pk")[0]
    now = timezone.now()

    def meeting_with_agenda(days, label):
        meeting = make_meeting(executive, now + timedelta(days=days))
        for position in range(1, 4):
            report = make_report(council, f"{label}: report {position}")
            put(meeting, report, position)
        return meeting

    member = people["members"][0]
    officer = people["officers"][0]
    reading = {
        "strategy_list": reverse("strategy:strategy_list"),
        "strategies": [
            s.get_absolute_url()
            for s in Strategy.objects.visible_to(member).filter(organisation=council)
        ],
        "workplan_list": reverse("workplan:workplan_list"),
        "workplans": [
            w.get_absolute_url()
            for w in Workplan.objects.visible_to(member).filter(organisation=council)
        ],
        "decision_list": reverse("decisions:decision_list"),
        "decisions": [
            d.get_absolute_url()
            for d in DecisionRecord.objects.visible_to(member).filter(
                organisation=council
            )
        ],
    }
    empty = [name for name, paths in reading.items() if not paths]
    if empty:
        raise BenchError(f"nothing for members to read: {', '.join(empty)}")
    kept = [
        item
        for item in WorkplanItem.objects.filter(organisation=council)
        .select_related("workplan")
        .order_by("workplan_id", "position", "pk")
        if ITEM.allows(officer, "update_progress", item)
    ]
    if len(kept) < counts["officers"]:
        raise BenchError(f"{len(kept)} items whose progress is kept: too few")
    workplans = sorted({item.workplan for item in kept}, key=lambda w: w.pk)
    filters, exports = [], []
    for workplan in workplans:
        url = workplan.get_absolute_url()
        theme = kept[[i.workplan_id for i in kept].index(workplan.pk)].theme_id
        filters += [
            f"{url}?rag=red",
            f"{url}?rag=amber&ordering=-due",
            f"{url}?theme={theme}",
            f"{url}?q=system&ordering=percent",
            f"{url}?work_type=statutory&delivery_status=in-progress",
        ]
        exports.append(reverse("workplan:workplan_export_csv", args=[workplan.pk]))
    officers = people["officers"]
    update_links = {
        workplan.pk: progress_link(
            officer, workplan, getattr(open_review(workplan.pk), "pk", None)
        )
        for workplan in workplans
    }
    plan = {
        "counts": counts,
        "reading": reading,
        "filters": filters,
        "exports": exports,
        "members": [{"user": user} for user in people["members"]],
        "officers": [
            {
                "user": user,
                # Where the workplan page's "Update" link takes them.
                "items": [
                    update_links[item.workplan_id](item.pk)
                    for item in kept[index :: len(officers)]
                ],
            }
            for index, user in enumerate(officers)
        ],
        "clerks": [],
    }
    past = make_meeting(executive, now - timedelta(days=3))
    for n, user in enumerate(people["clerks"], start=1):
        meeting = meeting_with_agenda(30 + n, f"{user.username}'s meeting")
        drafts = [
            make_decision(past, f"Decision {d} of {user.username}")
            for d in range(1, drafts_per_clerk + 1)
        ]
        plan["clerks"].append(
            {
                "user": user,
                "meeting": meeting.get_absolute_url(),
                "agenda": reverse("decisions:agenda_update", args=[meeting.pk]),
                "drafts": [
                    reverse("decisions:decision_transition", args=[d.pk, "publish"])
                    for d in drafts
                ],
            }
        )
    pack_meeting = meeting_with_agenda(29, "Pack")
    plan["pack_meeting_id"] = pack_meeting.pk
    plan["pack"] = reverse("decisions:meeting_pack", args=[pack_meeting.pk])
    plan["pack_requesters"] = [
        {"user": user, "meeting": pack_meeting.get_absolute_url()}
        for user in people["pack_requesters"]
    ]
    return plan


def every_path(plan):
    """Every path the plan's journeys ask for (for its test)."""
    paths = [
        plan["reading"][name]
        for name in ("strategy_list", "workplan_list", "decision_list")
    ]
    for name in ("strategies", "workplans", "decisions"):
        paths += plan["reading"][name]
    paths += plan["filters"] + plan["exports"] + [plan["pack"]]
    for officer in plan["officers"]:
        paths += officer["items"]
    for clerk in plan["clerks"]:
        paths += [clerk["meeting"], clerk["agenda"], *clerk["drafts"]]
    return paths


def sign_everyone_in(plan):
    """The plan as JSON: each account's `user` replaced by a session."""
    from django.test import Client

    from tests.base import sign_in

    out = {key: value for key, value in plan.items()}
    for kind in ("members", "officers", "clerks", "pack_requesters"):
        out[kind] = []
        for account in plan[kind]:
            client = sign_in(Client(HTTP_HOST=HOST), account["user"])
            session = client.cookies["sessionid"].value
            out[kind].append(
                {
                    **{k: v for k, v in account.items() if k != "user"},
                    "username": account["user"].username,
                    "session": session,
                }
            )
    return out


def copy_database(url, template, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        with_database(url, "postgres"), autocommit=True, connect_timeout=5
    ) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )


def build(counts, drafts_per_clerk, from_template=False):
    import io

    from django.core.management import call_command

    from governance.models import Organisation

    steps = [
        ("migrate", lambda: call_command("migrate", interactive=False, verbosity=0)),
        (
            "collectstatic",
            lambda: call_command("collectstatic", interactive=False, verbosity=0),
        ),
        (
            "load_demo",
            lambda: call_command(
                "load_demo", force=True, stdout=io.StringIO(), password=None
            ),
        ),
    ]
    if from_template:
        steps = steps[1:2]
    for name, step in steps:
        started = time.monotonic()
        step()
        say(f"  {name:<13} {time.monotonic() - started:5.1f} s")
    started = time.monotonic()
    plan = build_data(Organisation.objects.get(slug=COUNCIL), counts, drafts_per_clerk)
    plan = sign_everyone_in(plan)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(
        f"  load data     {time.monotonic() - started:5.1f} s  "
        f"({sum(counts.values())} accounts signed in, "
        f"{sum(len(c['drafts']) for c in plan['clerks'])} draft decisions, "
        f"{sum(len(o['items']) for o in plan['officers'])} items to update)"
    )
    return plan


# --- the server and the worker ------------------------------------------------------


def server_shape():
    """The workers `config/gunicorn.py` starts (with this environment's
    `GUNICORN_WORKERS` and `GUNICORN_THREADS`), in words."""
    from config import gunicorn as config

    if config.threads > 1:
        return f"gthread, {config.workers} workers x {config.threads} threads"
    return f"{config.worker_class}, {config.workers} workers"


class TwoCoreServer(Server):
    """`run_bench.Server` sized for two cores and not pinned: as the README's
    deployment section runs it, with `config/gunicorn.py` (a sync worker a
    core, each warmed up and its objects frozen)."""

    def __init__(self, env, log_path, pid_path):  # noqa: PLW0231 (no 1-worker server)
        self.port = free_port()
        self.log_path, self.pid_path = log_path, pid_path
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:config.gunicorn",
            "--chdir",
            str(ROOT),
            "--bind",
            f"{HOST}:{self.port}",
            "--pid",
            str(pid_path),
            "--no-control-socket",
            "--log-level",
            "warning",
        ]
        self.command = command
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_worker(env, log_path):
    log = open(log_path, "w")  # noqa: SIM115 (closed by stop_worker)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "paper_worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log = log
    return process


def stop_worker(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    process.log.close()


# --- Locust ---------------------------------------------------------------------------


def run_locust(server, plan_path, args, csv_prefix):
    # As a module of this interpreter, not the venv's `locust` script: a
    # script's first line names the interpreter of the venv it was installed
    # from, which a moved or shared venv no longer has.
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        server.origin,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.warm_up + args.duration}s",
        "--stop-timeout",
        "60",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env={
                **os.environ,
                "BENCH_LOAD_PLAN": str(plan_path),
                "BENCH_LOAD_TIMING": str(timing_path(csv_prefix)),
                "BENCH_LOAD_WARM_UP": str(args.warm_up),
                "BENCH_LOAD_WARM_UP_PATH": str(warm_up_path(csv_prefix)),
            },
            capture_output=True,
            text=True,
            timeout=args.warm_up + args.duration + 120,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError("Locust did not finish") from exc
    stats = Path(f"{csv_prefix}_stats.csv")
    if not stats.exists():
        raise BenchError(f"Locust wrote no figures:\n{done.stdout}\n{done.stderr}")
    return done


def timing_path(csv_prefix):
    return Path(f"{csv_prefix}_server_timing.json")


def warm_up_path(csv_prefix):
    return Path(f"{csv_prefix}_warm_up.json")


def read_warm_up(csv_prefix, args):
    """What the warm-up measured (`locustfile.start_the_clock`); None when
    there was none. A warm-up asked for that wrote nothing is an error: its
    errors would go uncounted."""
    if not args.warm_up:
        return None
    path = warm_up_path(csv_prefix)
    if not path.exists():
        raise BenchError("Locust wrote no figures for the warm-up")
    return json.loads(path.read_text())


def percentile(values, fraction):
    """The value at `fraction` of the sorted values (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def read_server_timing(csv_prefix):
    """Per request name, where its time went (`server_timing.py`): the
    server's own time (`app`, its CPU and queries) and the wait outside it
    (Locust's time less `app`: gunicorn's queue, the loopback, Locust), of
    which the part before the app (`start`: connecting, gunicorn's queue
    for a thread, reading the request)."""
    path = timing_path(csv_prefix)
    if not path.exists():
        return {}
    found = {}
    for name, rows in json.loads(path.read_text()).items():
        rows = [row for row in rows if None not in row[:4]]
        if not rows:
            continue
        locust, app, cpu, db = zip(*(row[:4] for row in rows), strict=True)
        outside = [total - inside for total, inside in zip(locust, app, strict=True)]
        # The wait before the app (`start`): connecting, gunicorn's queue for
        # a thread, reading the request. Rows of an older locustfile have none.
        before = [row[4] for row in rows if len(row) > 4 and row[4] is not None]
        found[name] = {
            "requests": len(rows),
            "app_p50_ms": percentile(app, 0.5),
            "app_p95_ms": percentile(app, 0.95),
            "cpu_p50_ms": percentile(cpu, 0.5),
            "cpu_p95_ms": percentile(cpu, 0.95),
            "db_p50_ms": percentile(db, 0.5),
            "outside_p50_ms": percentile(outside, 0.5),
            "outside_p95_ms": percentile(outside, 0.95),
            "before_p95_ms": percentile(before, 0.95) if before else None,
            "cpu_total_s": round(sum(cpu) / 1000, 2),
        }
    return found


def read_stats(csv_prefix):
    """Locust's figures per request name: {name: {...}}, "Aggregated" last."""
    rows = {}
    with open(f"{csv_prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "type": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "req_per_s": float(row["Requests/s"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "max_ms": float(row["Max Response Time"] or 0),
            }
    failures = []
    path = Path(f"{csv_prefix}_failures.csv")
    if path.exists():
        with open(path, newline="") as f:
            failures = [
                {
                    "name": row["Name"],
                    "error": row["Error"],
                    "occurrences": int(row["Occurrences"]),
                }
                for row in csv.DictReader(f)
            ]
    return rows, failures


def is_page_view(name, figures):
    """Page views: the HTML pages people look at (GET), not the saves, the
    CSV download or the pack's steps."""
    return (
        figures["type"] == "GET"
        and not name.startswith("pack:")
        and "CSV" not in name
        and name != "Aggregated"
    )


def pack_outcome(meeting_id, wait_seconds):
    """The agenda pack's job after the run: waits for it to finish."""
    from governance.paper_store import PaperJob

    deadline = time.monotonic() + wait_seconds
    while True:
        job = (
            PaperJob.objects.filter(kind="agenda-pack", object_id=meeting_id)
            .order_by("-requested_at")
            .first()
        )
        if job is None or job.finished or time.monotonic() > deadline:
            break
        time.sleep(2)
    if job is None:
        return {"asked": False, "status": None}
    return {
        "asked": True,
        "status": job.status,
        "pages": job.pages,
        "attempts": job.attempts,
        "seconds_to_ready": (
            round((job.finished_at - job.requested_at).total_seconds(), 1)
            if job.finished_at
            else None
        ),
        "render_seconds": (
            round((job.finished_at - job.started_at).total_seconds(), 1)
            if job.finished_at and job.started_at
            else None
        ),
    }


# --- the run ------------------------------------------------------------------------


#: A fixed piece of pure-Python work (`machine_speed()`): the CPU time it
#: takes says how fast this machine's cores were running just before and
#: just after the load. On the shared virtual machine the figures of the
#: README come from, the same work took from 0.97 s to 1.74 s within an
#: hour: compare runs by it.
SPEED_SQUARES = 10**7


def machine_speed():
    """CPU seconds this process takes to sum SPEED_SQUARES squares."""
    started = time.process_time()
    sum(i * i for i in range(SPEED_SQUARES))
    return round(time.process_time() - started, 2)


def run(args):
    started = time.monotonic()
    counts = counts_for(args.users)
    base_url = server_url()
    say(
        f"make bench, load: {args.users} simulated people ({counts['members']} "
        f"members, {counts['officers']} officers, {counts['clerks']} clerks, one "
        f"asking for an agenda pack) for {args.duration} s after {args.warm_up} s "
        "of warm-up, plus set-up "
        f"(database {DATABASE!r}, dropped and created):"
    )
    if args.template:
        recreate_database(base_url, DATABASE, create=False)
        copy_database(base_url, args.template, DATABASE)
    else:
        recreate_database(base_url, DATABASE)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = environment(with_database(base_url, DATABASE), workdir / "static")
    env["DJANGO_SETTINGS_MODULE"] = "tests.bench.load_settings"
    set_up_django(env)
    server = worker = None
    try:
        drafts = DRAFTS_PER_CLERK_MINUTE * -(-args.duration // 60)
        plan = build(counts, drafts, from_template=bool(args.template))
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        from django.db import connections

        connections.close_all()
        server = TwoCoreServer(
            env, RESULTS / "load-gunicorn.log", RESULTS / "load-gunicorn.pid"
        )
        server.wait_ready()
        worker = start_worker(env, RESULTS / "load-worker.log")
        say(
            f"\nServer: gunicorn {server_shape()}, {server.origin}, "
            "production settings (DEBUG off), with the paper worker; Locust "
            f"{args.users} users, {args.spawn_rate}/s, think 1-4 s; nothing "
            "pinned (all share the two cores)."
        )
        alone = pages_alone(server, plan)
        # How busy and how fast the machine was around the load.
        machine = {
            "load_average": {"before": os.getloadavg()},
            "machine_speed": {"before_s": machine_speed()},
        }
        csv_prefix = RESULTS / "load"
        warm_up_path(csv_prefix).unlink(missing_ok=True)
        run_locust(server, plan_path, args, csv_prefix)
        machine["load_average"]["after"] = os.getloadavg()
        machine["machine_speed"]["after_s"] = machine_speed()
        stats, failures = read_stats(csv_prefix)
        timing = read_server_timing(csv_prefix)
        warm_up = read_warm_up(csv_prefix, args)
        pack = pack_outcome(plan["pack_meeting_id"], PACK_WAIT_SECONDS)
        memory = server.worker_memory()
        report(args, stats, failures, pack, memory, alone, machine, warm_up)
        report_timing(timing)
        (RESULTS / "load.json").write_text(
            json.dumps(
                {
                    "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "users": counts,
                    "duration_s": args.duration,
                    "warm_up": warm_up,
                    "targets": {
                        "page_view_p95_ms": TARGET_PAGE_P95_MS,
                        "errors": TARGET_ERRORS,
                    },
                    "stats": stats,
                    "alone_p50_ms": alone,
                    "server_timing": timing,
                    "failures": failures,
                    "pack": pack,
                    "gunicorn_memory": memory,
                    **machine,
                },
                indent=2,
            )
            + "\n"
        )
        say(
            "Figures written to bench-results/load.json (Locust's own CSV: "
            "bench-results/load_*.csv). "
            f"Took {(time.monotonic() - started) / 60:.1f} min."
        )
    finally:
        if server is not None:
            server.stop()
        if worker is not None:
            stop_worker(worker)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up)
            pass
        if not args.keep_db:
            recreate_database(base_url, DATABASE, create=False)


def pages_alone(server, plan):
    """Each page of the journeys asked for on its own, before the load: the
    median of a few requests one at a time, in ms (the time a page takes
    when nobody else is using the site: what queueing adds under load is
    the difference)."""
    import http.client
    import statistics

    reading = plan["reading"]
    member = plan["members"][0]["session"]
    officer = plan["officers"][0]
    clerk = plan["clerks"][0]
    pages = {
        "member: home": ("/", member),
        "member: strategies list": (reading["strategy_list"], member),
        "member: strategy": (reading["strategies"][0], member),
        "member: workplans list": (reading["workplan_list"], member),
        "member: workplan": (reading["workplans"][0], member),
        "member: decisions list": (reading["decision_list"], member),
        "member: decision": (reading["decisions"][0], member),
        "officer: workplan filtered": (plan["filters"][0], officer["session"]),
        "officer: workplan CSV": (plan["exports"][0], officer["session"]),
        "clerk: meeting": (clerk["meeting"], clerk["session"]),
        "clerk: agenda (form)": (clerk["agenda"], clerk["session"]),
    }
    found = {}
    for name, (path, session) in pages.items():
        times = []
        for _ in range(ALONE_REQUESTS):
            conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
            response = conn.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            conn.close()
            if response.status != 200:
                raise BenchError(f"{path} answered {response.status} on its own")
        found[name] = round(statistics.median(times[1:]), 1)
    return found


def report_timing(timing):
    """Where each step's time went, from the responses' `Server-Timing`."""
    if not timing:
        return
    header = (
        f"{'journey: step':<36}{'n':>6}{'app p50':>9}{'app p95':>9}{'cpu p50':>9}"
        f"{'db p50':>8}{'out p95':>9}{'before':>8}{'cpu s':>7}"
    )
    say(
        "\nWhere the time went (ms; `Server-Timing`, tests/bench/server_timing."
        "py): 'app' from the first middleware in to the response out, 'cpu' "
        "the request thread's CPU in it, 'db' in its queries, 'out' what "
        "Locust measured less 'app' (gunicorn's queue, loopback, Locust), "
        "'before' the p95 of its part before the app (connecting, gunicorn's "
        "queue for a thread, reading the request); 'cpu s' the step's CPU in "
        "all:\n"
    )
    say(header)
    say("-" * len(header))
    for name, t in sorted(timing.items(), key=lambda nt: -nt[1]["cpu_total_s"]):
        say(
            f"{name:<36}{t['requests']:>6}{t['app_p50_ms']:>9.0f}"
            f"{t['app_p95_ms']:>9.0f}{t['cpu_p50_ms']:>9.0f}{t['db_p50_ms']:>8.0f}"
            f"{t['outside_p95_ms']:>9.0f}"
            + (
                f"{t['before_p95_ms']:>8.0f}"
                if t.get("before_p95_ms") is not None
                else f"{'-':>8}"
            )
            + f"{t['cpu_total_s']:>7.1f}"
        )


def report(args, stats, failures, pack, memory, alone, machine, warm_up=None):
    total = stats.get("Aggregated")
    # The warm-up's errors count with the measured time's.
    warm_up_failures = warm_up["failures"] if warm_up else 0
    header = (
        f"{'journey: step':<36}{'n':>6}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'errors':>8}{'alone':>8}"
    )
    say(
        f"\nMixed load, {args.duration} s ({args.users} users); 'alone': the "
        f"median of {ALONE_REQUESTS - 1} requests of the page one at a time "
        "before the load (ms):\n"
    )
    say(header)
    say("-" * len(header))
    for name, f in stats.items():
        if name == "Aggregated":
            say("-" * len(header))
        say(
            f"{name:<36}{f['requests']:>6}{f['req_per_s']:>8.1f}{f['p50_ms']:>8.0f}"
            f"{f['p95_ms']:>8.0f}{f['p99_ms']:>8.0f}{f['failures']:>8}"
            + (f"{alone[name]:>8.0f}" if name in alone else "")
        )
    for failure in failures:
        say(f"  error x{failure['occurrences']}: {failure['name']}: {failure['error']}")
    if warm_up:
        say(
            f"Warm-up before it, {warm_up['seconds']:.0f} s, not counted above: "
            f"{warm_up['requests']} requests, p50 {warm_up['p50_ms']:.0f} ms, "
            f"p95 {warm_up['p95_ms']:.0f} ms, {warm_up['failures']} errors "
            "(counted below)."
        )
        for failure in warm_up["errors"]:
            say(
                f"  warm-up error x{failure['occurrences']}: {failure['name']}: "
                f"{failure['error']}"
            )
    page_views = {n: f for n, f in stats.items() if is_page_view(n, f)}
    worst = max(page_views.items(), key=lambda nf: nf[1]["p95_ms"], default=None)
    say(
        f"\nAgenda pack: {pack['status'] or 'never asked for'}"
        + (
            f", {pack['pages']} pages, {pack['seconds_to_ready']} s from asking "
            f"to ready ({pack['render_seconds']} s rendering, attempt "
            f"{pack['attempts']})"
            if pack["status"] == "ready"
            else ""
        )
    )
    for process in memory:
        say(
            f"gunicorn {process['role']} (pid {process['pid']}): peak RSS "
            f"{process['peak_rss_mb']} MB"
        )
    load_average, speed = machine["load_average"], machine["machine_speed"]
    say(
        f"Load average (1 min) {load_average['before'][0]:.2f} before, "
        f"{load_average['after'][0]:.2f} after. Figures from a shared machine: "
        "they move 20-30 % between runs."
    )
    say(
        f"Machine speed: {SPEED_SQUARES:,} squares summed in "
        f"{speed['before_s']} s of CPU just before the load, "
        f"{speed['after_s']} s just after (lower is faster: a slower "
        "machine makes every figure above longer)."
    )
    rows = [
        summary.row(
            f"{args.users} users: requests per second",
            round(total["req_per_s"], 1) if total else None,
            "/s",
        ),
        summary.row(
            "errors (all journeys, warm-up included)",
            (total["failures"] + warm_up_failures) if total else None,
            "",
            limit=TARGET_ERRORS,
        ),
    ]
    if worst is not None:
        rows.append(
            summary.row(
                f"worst page view p95 ({worst[0]})",
                worst[1]["p95_ms"],
                " ms",
                limit=TARGET_PAGE_P95_MS,
            )
        )
    for name, f in stats.items():
        if name == "Aggregated" or name.startswith("pack:"):
            continue
        rows.append(
            summary.row(
                f"{name}: p95",
                f["p95_ms"],
                " ms",
                limit=TARGET_PAGE_P95_MS if name in page_views else None,
            )
        )
    rows += [
        summary.row(
            "agenda pack made by the worker under load (1 = ready)",
            1 if pack["status"] == "ready" else 0,
            "",
            limit=1,
            better="higher",
            target="ready",
        ),
        summary.row(
            "agenda pack: seconds from asking to ready",
            pack.get("seconds_to_ready"),
            " s",
        ),
    ]
    rows += [
        summary.row(
            f"machine speed {moment}: CPU for 10 million squares",
            speed[f"{moment}_s"],
            " s",
        )
        for moment in ("before", "after")
    ]
    summary.record("load", rows)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # The server and the worker are stopped (`run`'s finally) on a signal too.
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    RESULTS.mkdir(exist_ok=True)
    try:
        run(args)
    except BenchError as exc:
        say(f"\nbench: {exc}")
        return 1
    except (Interrupted, KeyboardInterrupt) as exc:
        signum = exc.args[0] if isinstance(exc, Interrupted) else signal.SIGINT
        say(f"\nbench: interrupted ({signal.Signals(signum).name}); cleaned up.")
        return 128 + signum
    return 0


if __name__ == "__main__":
    sys.exit(main())
