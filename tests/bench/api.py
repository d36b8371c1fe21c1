"""`make bench`, api: an open data API list against a static file of the
same bytes, served by the same server in the same run.

1. Drops and creates the database `bench_api`, migrates it, builds the test
   cast and business (through the real code), then adds `DECISIONS`
   published decision records of council A, each with two resolutions
   (made with `bulk_create`: only their number matters), and `ANALYZE`.
2. Reads the decisions list (`?limit=LIMIT`) in this process through
   Django's test client with the production settings, counts its queries,
   and writes its bytes to the collected static files as
   `bench/decisions.json`, so WhiteNoise serves the same bytes as a file.
3. Starts gunicorn (as `run_bench.py`: production settings, one worker of
   four threads, pinned to one core) and runs `wrk` on the other core
   against, in turn: the API list (anonymous, as the public reads it), the
   same list answered 304 to its ETag (what a client or cache that kept it
   costs), and the static file. Warms up, keeps the medians of the runs.

Prints the table with each figure's ratio to the static file and writes
bench-results/api.json. Figures, not pass or fail.
"""

import json
import shutil
import sys
import time
from datetime import timedelta
from types import SimpleNamespace

from . import summary
from .run_bench import (
    HOST,
    LUA,
    RESULTS,
    BenchError,
    Server,
    bench_main,
    cores,
    environment,
    finish,
    pinned,
    recreate_database,
    say,
    server_url,
    set_up_django,
    summarise,
    with_database,
)

DATABASE = "bench_api"
DECISIONS = 1_000
LIMIT = 100
RUNS = 3
SECONDS = 5
WARMUP = 2
WRK = SimpleNamespace(threads=2, connections=8)


def build():
    """Council A's business, and `DECISIONS` more published decisions."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from decisions.models import DecisionRecord, Resolution
    from tests.base import build_business, build_cast

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cast = build_cast()
    business = build_business(cast)
    meeting = business.meeting
    day = timezone.localdate(meeting.starts_at)
    now = timezone.now()
    decisions = DecisionRecord.objects.bulk_create(
        DecisionRecord(
            organisation=cast.council_a,
            meeting=meeting,
            title=f"Decision {n}: renewal of the network contract",
            record="Cabinet considered the report and agreed the recommendations.",
            reasons="The contract ends in March and must be renewed.",
            decision_date=day,
            status="published",
            published_at=now - timedelta(minutes=n),
        )
        for n in range(DECISIONS)
    )
    Resolution.objects.bulk_create(
        Resolution(decision=decision, position=position, text="Agreed.")
        for decision in decisions
        for position in (1, 2)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cast


def api_list(static_root):
    """(path, static path, queries, bytes, etag): the list, read in process,
    and its bytes written where WhiteNoise serves static files."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    path = reverse("api:decision-list", args=["ashdown"]) + f"?limit={LIMIT}"
    client = Client(HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise BenchError(f"{path} answered {response.status_code}")
    folder = static_root / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "decisions.json").write_bytes(response.content)
    return (
        path,
        "/static/bench/decisions.json",
        len(queries),
        len(response.content),
        response["ETag"],
    )


def measure(origin, targets, core):
    """{label: figures} for each (label, path, headers), runs taking turns."""
    runs = {label: [] for label, _path, _headers in targets}
    for _label, path, headers in targets:
        wrk(origin + path, WARMUP, headers, core)
    for _ in range(RUNS):
        for label, path, headers in targets:
            runs[label].append(wrk(origin + path, SECONDS, headers, core))
    return {label: summarise(found) for label, found in runs.items()}


def wrk(url, seconds, headers, core):
    """One `wrk` run (as `run_bench.run_wrk`, with our own headers)."""
    import subprocess

    command = ["wrk", f"-t{WRK.threads}", f"-c{WRK.connections}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "10s", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        pinned(core, [*command, url]),
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise BenchError(f"wrk gave no figures for {url}:\n{done.stdout}\n{done.stderr}")


def run():
    started = time.monotonic()
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    base_url = server_url()
    database_url = with_database(base_url, DATABASE)
    say(f"\nOpen data API (database {DATABASE!r}, dropped and created):")
    recreate_database(base_url, DATABASE)
    static_root = RESULTS / "static-api"
    env = environment(database_url, static_root)
    server = None
    try:
        set_up_django(env)
        build()
        path, static_path, queries, size, etag = api_list(static_root)
        from django.db import connections

        connections.close_all()
        server_core, load_core = cores()
        server = Server(
            env, server_core, RESULTS / "gunicorn-api.log", RESULTS / "gunicorn.pid"
        )
        server.wait_ready()
        targets = [
            ("API list", path, {}),
            ("API list, 304", path, {"If-None-Match": etag}),
            ("static file", static_path, {}),
        ]
        figures = measure(server.origin, targets, load_core)
        server.stop()
        server = None
        static = figures["static file"]["p50_ms"]
        say(
            f"\n{LIMIT} decisions of {DECISIONS:,} ({size:,} bytes, {queries} "
            f"queries), gunicorn on core {server_core}, wrk -t{WRK.threads} "
            f"-c{WRK.connections} on core {load_core}; medians of {RUNS} runs "
            f"of {SECONDS} s:\n"
        )
        header = f"{'':<16}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'x static':>10}"
        say(header)
        say("-" * len(header))
        for label, found in figures.items():
            found["x_static_p50"] = found["p50_ms"] / static if static else None
            say(
                f"{label:<16}{found['p50_ms']:>9.2f}{found['p95_ms']:>9.2f}"
                f"{found['req_per_s']:>9.0f}{found['x_static_p50'] or 0:>10.1f}"
                + (f"  errors {found['errors']}" if found["errors"] else "")
            )
        summary.record(
            "api",
            [
                summary.row(
                    f"{label}: req/s / static file's",
                    round(found["req_per_s"] / figures["static file"]["req_per_s"], 2)
                    if figures["static file"]["req_per_s"]
                    else None,
                    "x",
                )
                for label, found in figures.items()
                if label != "static file"
            ],
        )
        (RESULTS / "api.json").write_text(
            json.dumps(
                {
                    "decisions": DECISIONS,
                    "limit": LIMIT,
                    "bytes": size,
                    "queries": queries,
                    "figures": figures,
                },
                indent=2,
            )
            + "\n"
        )
        say(
            "\nFigures written to bench-results/api.json. "
            f"Took {(time.monotonic() - started) / 60:.1f} min."
        )
    finally:
        finish(base_url, DATABASE, server)


def main():
    return bench_main(run)


if __name__ == "__main__":
    sys.exit(main())
