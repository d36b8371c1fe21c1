"""`make bench`, public: the public decision page against a static file of
the same size, served by the same server in the same run.

1. Drops and creates the database `bench_public`, migrates it and builds
   the test cast and its business through the real code (a published
   decision record among them), collects the static files, and writes a
   file of exactly the decision page's size into the collected static
   files (`bench/public-decision.html`).
2. Starts gunicorn with the production settings (WhiteNoise serving the
   static files), as `run_bench.py` does, pinned to one core.
3. With wrk on the other core, no cookies (a resident with no account):
   the public decision page built in full, the same page answered 304 to
   `If-None-Match` (what a browser or proxy holding it gets), and the static
   file; warm-up, then the median of several runs each.
4. Prints the figures and the ratios (page / static file), and writes them
   to bench-results/public.json. Figures, not pass or fail.

    scripts/bench.sh public [--duration 5 --runs 3 --connections 2 --threads 2]
"""

import argparse
import http.client
import json
import sys
import time

from . import summary
from .run_bench import (
    HOST,
    LUA,
    RESULTS,
    BenchError,
    Server,
    add_load_options,
    begin,
    bench_main,
    check_load_options,
    cores,
    finish,
    pinned,
    say,
    summarise,
)

DATABASE = "bench_public"
#: Issue 19: approved documents at >= 0.25x a static file's requests per second.
STATIC_SHARE = 0.25
STATIC_NAME = "bench/public-decision.html"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/bench.sh public")
    add_load_options(parser)
    args = parser.parse_args(argv)
    check_load_options(parser, args)
    return args


def build():
    """The cast and business; the public decision page's path and body."""
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from tests.base import build_business, build_cast

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cast = build_cast()
    business = build_business(cast)
    path = reverse(
        "public:decision_detail",
        args=[cast.council_a.slug, business.published_decision.pk],
    )
    response = Client(HTTP_HOST=HOST).get(path)
    if response.status_code != 200:
        raise BenchError(f"{path} answered {response.status_code}")
    return path, response.content


def server_etag(server, path):
    """The page's ETag as the server gives it: what a browser or proxy
    holding the page sends back. (Not the test client's: the ETag is made
    with the host asked for, and the server's host has its port.)"""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    etag = response.getheader("ETag")
    if response.status != 200 or not etag:
        raise BenchError(f"{path} answered {response.status} (ETag {etag!r})")
    return etag


def run_wrk(url, seconds, args, core, headers=()):
    """wrk's figures for `url` (every response counted, 304s included)."""
    import subprocess

    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    for header in headers:
        command += ["-H", header]
    try:
        done = subprocess.run(
            pinned(core, [*command, url]),
            capture_output=True,
            text=True,
            timeout=seconds + 30,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish: {url}") from exc
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise BenchError(f"wrk gave no figures for {url}:\n{done.stdout}\n{done.stderr}")


def run(args):
    started = time.monotonic()
    base_url, static_root, env = begin(DATABASE, "public")
    server = None
    try:
        say("Building the cast and its business ...")
        path, body = build()
        static_file = static_root / STATIC_NAME
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(b"x" * len(body))
        from django.db import connections

        connections.close_all()
        server_core, load_core = cores()
        server = Server(
            env,
            server_core,
            RESULTS / "public-gunicorn.log",
            RESULTS / "public-gunicorn.pid",
        )
        server.wait_ready()
        etag = server_etag(server, path)
        targets = [
            ("public decision page", path, ()),
            ("same page, 304", path, (f"If-None-Match: {etag}",)),
            ("static file, same size", f"/static/{STATIC_NAME}", ()),
        ]
        results = {}
        for label, target, headers in targets:
            url = server.origin + target
            if args.warmup:
                run_wrk(url, args.warmup, args, load_core, headers)
            runs = [
                run_wrk(url, args.duration, args, load_core, headers)
                for _ in range(args.runs)
            ]
            results[label] = summarise(runs)
        page = results["public decision page"]
        static = results["static file, same size"]
        say(
            f"\nPublic decision page ({len(body):,} bytes) against a static file "
            f"of the same size, same gunicorn (1 worker x 4 threads), "
            f"wrk -c{args.connections} -t{args.threads}, median of {args.runs} runs "
            f"of {args.duration} s:\n"
        )
        header = f"{'':<24}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>10}{'x static p50':>14}"
        say(header)
        say("-" * len(header))
        for label, figures in results.items():
            ratio = figures["p50_ms"] / static["p50_ms"] if static["p50_ms"] else 0
            figures["ratio_p50_to_static"] = round(ratio, 2)
            say(
                f"{label:<24}{figures['p50_ms']:>9.2f}{figures['p95_ms']:>9.2f}"
                f"{figures['req_per_s']:>10.0f}{ratio:>14.1f}"
            )
        answered = results["same page, 304"]
        say(
            "\n(wrk counts a 304 as an answer that is not 2xx: "
            f"{answered['errors']:,} of the 304 row's {answered['requests']:,} "
            "answers were 304.) "
            f"Page errors: {page['errors']}."
        )
        if answered["errors"] != answered["requests"]:
            raise BenchError(
                "the 304 row was answered with pages: the ETag sent was not the page's"
            )
        summary.record(
            "public",
            [
                summary.row(
                    f"{label}: req/s / static file's",
                    round(results[label]["req_per_s"] / static["req_per_s"], 2)
                    if static["req_per_s"]
                    else None,
                    "x",
                    limit=STATIC_SHARE,
                    better="higher",
                )
                for label in ("public decision page", "same page, 304")
            ],
        )
        (RESULTS / "public.json").write_text(
            json.dumps({"bytes": len(body), "results": results}, indent=2) + "\n"
        )
        say(
            "Figures written to bench-results/public.json. "
            f"Took {(time.monotonic() - started) / 60:.1f} min."
        )
    finally:
        finish(base_url, DATABASE, server)


def main(argv=None):
    return bench_main(run, parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
