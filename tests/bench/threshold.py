"""`make bench`, threshold: how long a workplan's papers take to render
inline at sizes around `workplan.papers.INLINE_ITEMS`, the number of items
above which they go to the paper worker instead.

1. Drops and creates the database `bench_threshold`, migrates it and makes
   one council with a reviewed workplan of each size in `SIZES`
   (`tests/workplan/paper_data.py`: every item updated, three variations).
2. For each size renders the workplan appendix and the progress report as a
   request would inline (the HTML built from the database, then the PDF),
   `RUNS` times in this process, and takes the median.

Prints a table and writes bench-results/threshold.json. The threshold is
right when the largest inline size renders within `TARGET_S` (a request
that waits longer should see the progress page instead).
"""

import json
import statistics
import sys
import time

from . import summary
from .run_bench import (
    RESULTS,
    BenchError,
    environment,
    recreate_database,
    say,
    server_url,
    set_up_django,
    with_database,
)

DATABASE = "bench_threshold"
SIZES = [25, 40, 50, 75, 100, 150, 200]
RUNS = 3
TARGET_S = 2.0


def build():
    """{size: (workplan pk, review pk)}."""
    from django.core.management import call_command

    from tests.base import make_organisation
    from tests.workplan.paper_data import build_reviewed_workplan

    call_command("migrate", interactive=False, verbosity=0)
    council = make_organisation("Threshold Borough Council", "threshold")
    built = {}
    for year, size in enumerate(SIZES, start=2030):
        data = build_reviewed_workplan(
            council, size, year=year, close_review=True, title=f"Plan of {size}"
        )
        built[size] = (data.workplan.pk, data.review.pk)
    return built


def render_seconds(kind, record):
    """(wall seconds, CPU seconds of this process, pages) to build the
    paper's HTML from the database and render it. On a busy machine the
    wall time waits for a core; the CPU time is what the render costs."""
    from governance import paper_store

    started, cpu = time.perf_counter(), time.process_time()
    _pdf, pages = paper_store.render(kind, record)
    return time.perf_counter() - started, time.process_time() - cpu, pages


def measure(built):
    from workplan import papers
    from workplan.models import Review, Workplan

    rows = []
    for size, (workplan_pk, review_pk) in built.items():
        row = {"items": size, "inline": size <= papers.INLINE_ITEMS}
        for name, kind, record in [
            (
                "appendix",
                papers.WORKPLAN_APPENDIX,
                Workplan.objects.get(pk=workplan_pk),
            ),
            ("progress", papers.PROGRESS_REPORT, Review.objects.get(pk=review_pk)),
        ]:
            runs = [render_seconds(kind, record) for _ in range(RUNS)]
            row[f"{name}_s"] = statistics.median(run[0] for run in runs)
            row[f"{name}_cpu_s"] = statistics.median(run[1] for run in runs)
            row[f"{name}_pages"] = runs[0][2]
        rows.append(row)
        say(
            f"  {size:>4} items: appendix {row['appendix_s']:5.2f} s wall, "
            f"{row['appendix_cpu_s']:5.2f} s CPU ({row['appendix_pages']} pages); "
            f"progress report {row['progress_s']:5.2f} s wall, "
            f"{row['progress_cpu_s']:5.2f} s CPU ({row['progress_pages']} pages)"
        )
    return rows


def run():
    started = time.monotonic()
    base_url = server_url()
    say(f"\nInline threshold (database {DATABASE!r}, dropped and created):")
    recreate_database(base_url, DATABASE)
    try:
        set_up_django(
            environment(with_database(base_url, DATABASE), RESULTS / "static-papers")
        )
        built = build()
        say(
            f"  set-up {time.monotonic() - started:5.1f} s; median of {RUNS} "
            "renders each (HTML from the database, then the PDF)"
        )
        from workplan import papers

        rows = measure(built)
        inline = [row for row in rows if row["inline"]]
        slowest = max(max(row["appendix_s"], row["progress_s"]) for row in inline)
        slowest_cpu = max(
            max(row["appendix_cpu_s"], row["progress_cpu_s"]) for row in inline
        )
        say(
            f"\nINLINE_ITEMS = {papers.INLINE_ITEMS}: the slowest inline render "
            f"took {slowest:.2f} s wall, {slowest_cpu:.2f} s CPU (target <= "
            f"{TARGET_S:g} s on an idle core)."
        )
        summary.record(
            "threshold",
            [
                summary.row(
                    f"slowest inline paper (INLINE_ITEMS = {papers.INLINE_ITEMS})",
                    round(slowest, 2),
                    " s",
                    limit=TARGET_S,
                )
            ],
        )
        out = RESULTS / "threshold.json"
        out.write_text(
            json.dumps(
                {
                    "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "inline_items": papers.INLINE_ITEMS,
                    "target_s": TARGET_S,
                    "slowest_inline_s": slowest,
                    "slowest_inline_cpu_s": slowest_cpu,
                    "sizes": rows,
                },
                indent=2,
            )
            + "\n"
        )
        say(f"Figures written to {out.name}.")
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up)
            pass
        recreate_database(base_url, DATABASE, create=False)
    return 0


def main():
    RESULTS.mkdir(exist_ok=True)
    try:
        return run()
    except BenchError as exc:
        say(f"\nbench: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
