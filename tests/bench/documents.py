"""`make bench`, documents: the pages of approved and published records,
kept per version and reader class (`governance/documents.py`), against the
same bytes served as a static file by the same server in the same run.

1. Drops and creates the database `bench_documents`, migrates it and builds
   the test cast and its business through the real code: an approved
   strategy, a published decision record, a meeting whose agenda is
   published, and its review of the workplan, closed. Signs the member in
   (the officer for the review, whose workplan members do not read yet),
   second factor passed, as the tests do; the session is in the database.
2. Starts gunicorn with the production settings, as `run_bench.py` does,
   pinned to one core, and writes each page's bytes, as the server sent
   them, into the collected static files (`bench/document-<page>.html`)
   before it starts, so WhiteNoise serves them.
3. With wrk on the other core, signed in (on every request the cookies a
   browser holds after its first look: the session's and the CSRF cookie
   that answer set): each page (its document kept after the first request;
   a repeated request of the same session answered before the view while
   nothing it depends on changes, `governance/kept_pages.py`), the same
   page answered 304 to its ETag, and its static file; warm-up, then the
   median of several runs each.
4. Prints the figures and the ratio of requests per second to the static
   file's, beside the target (at least 0.25), and writes them to
   bench-results/documents.json. Figures, not pass or fail.

    scripts/bench.sh documents [--duration 5 --runs 3 --connections 2 --threads 2]
"""

import argparse
import http.client
import json
import sys
import time
from http.cookies import SimpleCookie

from . import summary
from .public import run_wrk
from .run_bench import (
    HOST,
    RESULTS,
    BenchError,
    Server,
    add_load_options,
    begin,
    bench_main,
    check_load_options,
    cores,
    finish,
    say,
    summarise,
)

DATABASE = "bench_documents"
#: Requests per second of a kept page, as a share of the static file's.
TARGET_RATIO = 0.25


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/bench.sh documents")
    add_load_options(parser)
    args = parser.parse_args(argv)
    check_load_options(parser, args)
    return args


def build():
    """The cast and business; each page's path and its reader."""
    from django.core.management import call_command
    from django.urls import reverse

    from governance.history import save_with_reason
    from tests.base import build_business, build_cast
    from workplan.models import Review

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cast = build_cast()
    business = build_business(cast)
    review = business.review
    review.status = Review.Status.CLOSED
    save_with_reason(review, user=cast.officer, reason="Closed for the benchmark")
    pages = {
        "strategy": (
            reverse("strategy:strategy_detail", args=[business.approved_strategy.pk]),
            cast.member,
        ),
        "decision": (
            reverse("decisions:decision_detail", args=[business.published_decision.pk]),
            cast.member,
        ),
        "meeting": (
            reverse("decisions:meeting_detail", args=[business.meeting.pk]),
            cast.member,
        ),
        "review": (
            reverse("workplan:review_detail", args=[review.pk]),
            cast.officer,
        ),
    }
    return pages


def fetch(server, path, cookie):
    """(status, body, ETag, the cookies as a browser holds them after it)
    of one signed-in request."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    held = SimpleCookie(cookie)
    for header in response.headers.get_all("Set-Cookie") or ():
        held.load(header)
    conn.close()
    return (
        response.status,
        body,
        response.getheader("ETag"),
        "; ".join(f"{name}={morsel.value}" for name, morsel in held.items()),
    )


def signed_in_cookies(pages):
    """A session cookie for each reader, signed in with the second factor
    passed as the tests do (`tests.base.sign_in`): the session is in the
    database, so the server takes it."""
    from django.test import Client

    from tests.base import sign_in

    cookies = {}
    for _path, user in pages.values():
        if user.username not in cookies:
            client = Client(HTTP_HOST=HOST)
            sign_in(client, user)
            cookies[user.username] = f"sessionid={client.cookies['sessionid'].value}"
    return cookies


def run(args):
    started = time.monotonic()
    base_url, static_root, env = begin(DATABASE, "documents")
    server = None
    try:
        say("Building the cast and its business ...")
        pages = build()
        cookies = signed_in_cookies(pages)
        from django.db import connections

        connections.close_all()
        server_core, load_core = cores()

        def start():
            new = Server(
                env,
                server_core,
                RESULTS / "documents-gunicorn.log",
                RESULTS / "documents-gunicorn.pid",
            )
            new.wait_ready()
            return new

        # First run: sign in and take each page's bytes, to write them as
        # static files; WhiteNoise reads the static files when it starts,
        # so the server is started again for the measured runs (the kept
        # documents are lost with the process: the warm-up renders them).
        server = start()
        for name, (path, user) in pages.items():
            status, body, _etag, _held = fetch(server, path, cookies[user.username])
            if status != 200:
                raise BenchError(f"{path} answered {status}")
            static_file = static_root / "bench" / f"document-{name}.html"
            static_file.parent.mkdir(parents=True, exist_ok=True)
            static_file.write_bytes(body)
        server.stop()
        server = start()

        results = {}
        for name, (path, user) in pages.items():
            # As a browser: the session cookie and the CSRF cookie the first
            # answer set, held for every request after it.
            _status, _body, _etag, held = fetch(server, path, cookies[user.username])
            status, body, etag, held = fetch(server, path, held)
            cookie = f"Cookie: {held}"
            if status != 200 or not etag:
                raise BenchError(f"{path} answered {status} (ETag {etag!r})")
            targets = [
                ("page", path, (cookie,)),
                ("304", path, (cookie, f"If-None-Match: {etag}")),
                ("static", f"/static/bench/document-{name}.html", ()),
            ]
            figures = {"bytes": len(body), "reader": user.username}
            for label, target, headers in targets:
                url = server.origin + target
                if args.warmup:
                    run_wrk(url, args.warmup, args, load_core, headers)
                runs = [
                    run_wrk(url, args.duration, args, load_core, headers)
                    for _ in range(args.runs)
                ]
                figures[label] = summarise(runs)
            static_rps = figures["static"]["req_per_s"]
            for label in ("page", "304"):
                figures[label]["ratio_req_per_s_to_static"] = round(
                    figures[label]["req_per_s"] / static_rps if static_rps else 0, 3
                )
            results[name] = figures

        say(
            "\nApproved and published documents, signed in, against the same "
            "bytes as a static file, same gunicorn (1 worker x 4 threads), "
            f"wrk -c{args.connections} -t{args.threads}, median of {args.runs} "
            f"runs of {args.duration} s:\n"
        )
        header = (
            f"{'page':<10}{'reader':<9}{'KB':>6}{'':>2}{'served as':<11}"
            f"{'p50 ms':>8}{'p95 ms':>8}{'req/s':>8}{'x static':>10}{'target':>8}"
        )
        say(header)
        say("-" * len(header))
        for name, figures in results.items():
            for label, shown in (
                ("page", "kept page"),
                ("304", "304"),
                ("static", "static"),
            ):
                row = figures[label]
                ratio = row.get("ratio_req_per_s_to_static")
                say(
                    f"{name if label == 'page' else '':<10}"
                    f"{figures['reader'] if label == 'page' else '':<9}"
                    f"{figures['bytes'] / 1024 if label == 'page' else 0:>6.0f}"
                    f"{'':>2}{shown:<11}{row['p50_ms']:>8.2f}{row['p95_ms']:>8.2f}"
                    f"{row['req_per_s']:>8.0f}"
                    + (
                        f"{ratio:>9.2f}x{'>= ' + str(TARGET_RATIO):>8}"
                        if ratio is not None
                        else ""
                    )
                )
        errors = {name: figures["page"]["errors"] for name, figures in results.items()}
        say(
            "\n(The 304 rows count their answers as non-2xx in wrk's tally, as "
            f"expected.) Page errors: {errors}. Figures taken on whatever else "
            "the machine is doing: compare the ratios of one run."
        )
        summary.record(
            "documents",
            [
                summary.row(
                    f"{name} ({shown}): req/s / static file's",
                    figures[label]["ratio_req_per_s_to_static"],
                    "x",
                    limit=TARGET_RATIO,
                    better="higher",
                )
                for name, figures in results.items()
                for label, shown in (("page", "kept page"), ("304", "304"))
            ],
        )
        (RESULTS / "documents.json").write_text(
            json.dumps(
                {"target_ratio_req_per_s": TARGET_RATIO, "results": results}, indent=2
            )
            + "\n"
        )
        say(
            "Figures written to bench-results/documents.json. "
            f"Took {(time.monotonic() - started) / 60:.1f} min."
        )
    finally:
        finish(base_url, DATABASE, server)


def main(argv=None):
    return bench_main(run, parse_args(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
