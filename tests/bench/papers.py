"""`make bench`, papers: cold and cached rendering of the two large papers.

1. Drops and creates the database `bench_papers`, migrates it, collects the
   static files, loads the demo and adds a 300-item approved workplan with
   two reviews (the later one closed, every item updated) and a meeting whose
   published agenda carries reports presenting that workplan, its review and
   the demo strategy — an agenda pack of about a hundred pages.
2. Cold: each paper is rendered in a fresh Python process (so its peak
   memory is the paper's own), five times, taking turns with "raw
   WeasyPrint": the same HTML given to `weasyprint.HTML(...).write_pdf()`
   with WeasyPrint's own fetcher and the stylesheet by file path. The child
   reports the time to build the HTML from the database, our render (through
   `StaticOnlyFetcher`), the raw render, and its peak RSS.
3. Cached: the paper is requested through Django's test client with the
   production settings: the first request renders and stores it (cold, over
   HTTP), then 30 requests are served from the store, and 30 more carry the
   ETag and get 304 Not Modified.

Prints a table and writes bench-results/papers.json. Figures, not pass or
fail (the targets are printed beside them).
"""

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from . import summary
from .run_bench import (
    HOST,
    RESULTS,
    ROOT,
    BenchError,
    environment,
    recreate_database,
    say,
    server_url,
    set_up_django,
    with_database,
)

DATABASE = "bench_papers"
ITEMS = 300
#: Reports on the benchmark meeting's agenda, each presenting a record.
PACK_REPORTS = 4
COLD_RUNS = 5
CACHED_REQUESTS = 30
TARGETS = {
    "cold_vs_raw": 1.1,
    "cached_speed_up": 100,
    "progress_report_cold_s": 3.0,
    "pack_peak_mb": 400,
}


def summary_rows(rows):
    """The figures with targets, for the table `make bench` ends with."""
    out = []
    for r in rows:
        name = r["paper"]
        out.append(
            summary.row(
                f"{name}: cold / raw WeasyPrint",
                round(r["cold_vs_raw"], 2),
                "x",
                limit=TARGETS["cold_vs_raw"],
            )
        )
        out.append(
            summary.row(
                f"{name}: cold / cached",
                round(r["cached_speed_up"]),
                "x",
                limit=TARGETS["cached_speed_up"],
                better="higher",
            )
        )
        if name.startswith("progress report"):
            out.append(
                summary.row(
                    f"{name}: cold",
                    round(r["our_cold_s"], 2),
                    " s",
                    limit=TARGETS["progress_report_cold_s"],
                )
            )
        else:
            out.append(
                summary.row(
                    f"{name}: peak memory",
                    r["peak_mb"],
                    " MB",
                    limit=TARGETS["pack_peak_mb"],
                )
            )
    return out


# --- set-up -----------------------------------------------------------------------


def build(password):
    """The records: returns {"review": pk, "meeting": pk, "items": n}."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from decisions.models import (
        AgendaItem,
        Committee,
        Meeting,
        Recommendation,
        Report,
        ReportHeading,
        ReportText,
    )
    from governance.choices import PostKind
    from governance.history import save_with_reason
    from governance.models import Organisation
    from strategy.models import Strategy
    from tests.base import make_post
    from tests.workplan.paper_data import build_reviewed_workplan

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", force=True, password=password, stdout=io.StringIO())
    council = Organisation.objects.order_by("pk").first()
    clerk = get_user_model().objects.get(username="clerk")
    data = build_reviewed_workplan(council, ITEMS, user=clerk, close_review=True)
    strategy = (
        Strategy.objects.for_organisation(council).filter(status="approved").first()
    )
    cabinet = Committee.objects.get(organisation=council, name="Cabinet")
    meeting = save_with_reason(
        Meeting(
            committee=cabinet,
            starts_at=timezone.now() + timedelta(days=30),
            venue="Council Chamber, Civic Offices",
            agenda_published=True,
        ),
        user=clerk,
        reason="Benchmark",
    )
    subjects = [data.workplan, data.review, strategy, data.previous]
    for position, record in enumerate(subjects[:PACK_REPORTS], start=1):
        report = Report(
            organisation=council,
            title=f"Benchmark report {position}: {record}",
            report_of=make_post(council, "Director of Resources"),
            contact=make_post(
                council,
                "Head of ICT",
                PostKind.HEAD_OF_SERVICE,
                holder_name="A. Officer",
            ),
            purpose="To present the record in the annex. " * 8,
            summary="A summary of the record and of what is asked. " * 20,
            reasons="The reasons for the recommendations. " * 12,
            other_options="Doing nothing was considered and rejected. " * 6,
        )
        report.subject_content_type_id = _content_type(record).pk
        report.subject_object_id = record.pk
        save_with_reason(report, user=clerk, reason="Benchmark")
        financial = ReportHeading.objects.get(
            organisation=council, standard="financial"
        )
        ReportText.objects.create(
            report=report, heading=financial, text="Within the approved budget. " * 4
        )
        Recommendation.objects.create(
            report=report, position=1, text="That the committee notes the annex."
        )
        AgendaItem.objects.create(
            meeting=meeting, position=position, title=report.title, report=report
        )
    return {"review": data.review.pk, "meeting": meeting.pk, "items": ITEMS}


def _content_type(record):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(record)


# --- the child: one cold render in a fresh process --------------------------------


def child(kind_slug, pk, mode):
    """Print one JSON line: times (s) and peak memory (MB) of one render."""
    import gc

    from django.contrib.contenttypes.models import ContentType

    from governance import paper_store
    from governance.papers import paper_html, render_pdf_and_count_pages

    kind = paper_store.kind_named(kind_slug)
    record = kind.model._default_manager.get(pk=pk)
    ContentType.objects.get_for_model(record)  # warm the cache, as a server is
    gc.collect()
    baseline = _peak_mb()
    started = time.perf_counter()
    html = paper_html(
        kind.title(record),
        record.organisation,
        kind.parts(record),
        draft=not kind.is_final(record),
    )
    built = time.perf_counter()
    if mode == "ours":
        pdf, pages = render_pdf_and_count_pages(html)
    else:
        pdf, pages = raw_weasyprint(html)
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "mode": mode,
                "html_s": built - started,
                "render_s": finished - built,
                "total_s": finished - started,
                "pages": pages,
                "bytes": len(pdf),
                "baseline_mb": baseline,
                "peak_mb": _peak_mb(),
            }
        )
    )


def raw_weasyprint(html):
    """WeasyPrint alone on the same HTML: its own fetcher, the stylesheet by
    file path (what a paper would cost with no fetcher of ours)."""
    from django.conf import settings
    from weasyprint import HTML

    from governance.papers import PAPER_STYLESHEET, PDF_OPTIONS

    stylesheet = Path(settings.STATICFILES_DIRS[0]) / PAPER_STYLESHEET
    html = html.replace(
        f'href="{settings.STATIC_URL}{PAPER_STYLESHEET}"',
        f'href="{stylesheet.as_uri()}"',
    )
    document = HTML(string=html, base_url=str(ROOT)).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def _peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cold_runs(env, kind_slug, pk):
    """COLD_RUNS renders each of ours and raw, taking turns, each in a fresh
    process."""
    runs = {"ours": [], "raw": []}
    for turn in range(COLD_RUNS):
        order = ("ours", "raw") if turn % 2 == 0 else ("raw", "ours")
        for mode in order:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.bench.papers",
                    "--child",
                    kind_slug,
                    str(pk),
                    mode,
                ],
                env={**os.environ, **env},
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if result.returncode != 0:
                raise BenchError(
                    f"rendering {kind_slug} ({mode}) failed:\n{result.stderr[-2000:]}"
                )
            runs[mode].append(json.loads(result.stdout.strip().splitlines()[-1]))
    return runs


# --- cached: over Django's request handling ---------------------------------------


def cached_runs(url):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ..base import sign_in

    client = Client(HTTP_HOST=HOST)
    # A session as a real sign-in makes one, second factor passed (django-axes
    # wants a request to check a password; the sign-in page is not what is
    # measured here). The demo clerk sets up an authenticator app first.
    sign_in(client, get_user_model().objects.get(username="clerk"))
    started = time.perf_counter()
    first = client.get(url, secure=True)
    if first.status_code == 302:
        # A background paper: the request queued a job; the worker (as
        # `manage.py db_worker` runs it) renders it, then it is served.
        from django.core.management import call_command

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        first = client.get(url, secure=True)
    cold_http_s = time.perf_counter() - started
    if first.status_code != 200 or first["Content-Type"] != "application/pdf":
        raise BenchError(f"{url} answered {first.status_code} {first['Content-Type']}")
    etag = first["ETag"]
    served, not_modified = [], []
    for _ in range(CACHED_REQUESTS):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        served.append(time.perf_counter() - started)
        assert response.status_code == 200 and response["ETag"] == etag
    for _ in range(CACHED_REQUESTS):
        started = time.perf_counter()
        response = client.get(url, headers={"If-None-Match": etag}, secure=True)
        not_modified.append(time.perf_counter() - started)
        assert response.status_code == 304
    return {
        "cold_http_s": cold_http_s,
        "cached_ms": statistics.median(served) * 1000,
        "not_modified_ms": statistics.median(not_modified) * 1000,
        "bytes": len(first.content),
    }


# --- report -----------------------------------------------------------------------


def summarise(name, cold, cached):
    ours = cold["ours"]
    raw = cold["raw"]

    def median(runs, key):
        return statistics.median(run[key] for run in runs)

    figures = {
        "paper": name,
        "pages": ours[0]["pages"],
        "pdf_kb": round(ours[0]["bytes"] / 1024),
        "html_s": median(ours, "html_s"),
        "our_render_s": median(ours, "render_s"),
        "our_cold_s": median(ours, "total_s"),
        "raw_render_s": median(raw, "render_s"),
        "peak_mb": max(run["peak_mb"] for run in ours),
        "raw_peak_mb": max(run["peak_mb"] for run in raw),
        "baseline_mb": statistics.median(run["baseline_mb"] for run in ours),
        **cached,
        "runs": cold,
    }
    figures["render_vs_raw"] = figures["our_render_s"] / figures["raw_render_s"]
    figures["cold_vs_raw"] = figures["our_cold_s"] / figures["raw_render_s"]
    figures["cached_speed_up"] = figures["our_cold_s"] * 1000 / figures["cached_ms"]
    return figures


def print_table(rows):
    say(
        "\nPapers: cold = a fresh process builds the HTML from the database and "
        f"renders it (median of {COLD_RUNS}); raw = WeasyPrint alone on the same "
        "HTML, same run, taking turns; cached = served from the store through "
        f"Django's request handling (median of {CACHED_REQUESTS}); 304 = with "
        "the ETag.\n"
    )
    header = (
        f"{'paper':<22}{'pages':>6}{'HTML s':>8}{'render s':>10}{'cold s':>8}"
        f"{'raw s':>8}{'cold/raw':>9}{'render/raw':>11}{'cached ms':>10}"
        f"{'304 ms':>8}{'cold/cached':>12}{'peak MB':>9}{'raw MB':>8}"
    )
    say(header)
    say("-" * len(header))
    for row in rows:
        say(
            f"{row['paper']:<22}{row['pages']:>6}{row['html_s']:>8.2f}"
            f"{row['our_render_s']:>10.2f}{row['our_cold_s']:>8.2f}"
            f"{row['raw_render_s']:>8.2f}{row['cold_vs_raw']:>8.2f}x"
            f"{row['render_vs_raw']:>10.2f}x{row['cached_ms']:>10.2f}"
            f"{row['not_modified_ms']:>8.2f}{row['cached_speed_up']:>11.0f}x"
            f"{row['peak_mb']:>9.0f}{row['raw_peak_mb']:>8.0f}"
        )
    say(
        f"\nTargets: cold/raw <= {TARGETS['cold_vs_raw']}x; cold/cached >= "
        f"{TARGETS['cached_speed_up']}x; the {ITEMS}-item progress report cold <= "
        f"{TARGETS['progress_report_cold_s']:g} s; agenda pack peak <= "
        f"{TARGETS['pack_peak_mb']} MB (peak RSS of the rendering process, "
        "Python and Django included)."
    )


def run():
    started = time.monotonic()
    base_url = server_url()
    database_url = with_database(base_url, DATABASE)
    say(f"\nPapers (database {DATABASE!r}, dropped and created):")
    recreate_database(base_url, DATABASE)
    env = environment(database_url, RESULTS / "static-papers")
    try:
        set_up_django(env)
        password = secrets.token_urlsafe(16)
        built = build(password)
        say(
            f"  set-up {time.monotonic() - started:5.1f} s (demo, a {ITEMS}-item "
            f"workplan with two reviews, an agenda of {PACK_REPORTS} reports)"
        )
        from django.db import connections
        from django.urls import reverse

        connections.close_all()
        rows = []
        for name, slug, pk, url in [
            (
                f"progress report ({ITEMS})",
                "progress-report",
                built["review"],
                reverse("workplan:review_paper", args=[built["review"]]),
            ),
            (
                "agenda pack",
                "agenda-pack",
                built["meeting"],
                reverse("decisions:meeting_pack", args=[built["meeting"]]),
            ),
        ]:
            cold = cold_runs(env, slug, pk)
            cached = cached_runs(url)
            rows.append(summarise(name, cold, cached))
            say(f"  {name}: done")
        print_table(rows)
        summary.record("papers", summary_rows(rows))
        out = RESULTS / "papers.json"
        out.write_text(
            json.dumps(
                {
                    "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "targets": TARGETS,
                    "papers": rows,
                },
                indent=2,
            )
            + "\n"
        )
        say(
            f"\nFigures written to {out.relative_to(ROOT)}. "
            f"Took {(time.monotonic() - started) / 60:.1f} min."
        )
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up)
            pass
        recreate_database(base_url, DATABASE, create=False)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="make bench (papers)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PK", "MODE"))
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    if args.child:
        set_up_django({})
        kind, pk, mode = args.child
        child(kind, int(pk), mode)
        return 0
    try:
        return run()
    except BenchError as exc:
        say(f"\nbench: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
