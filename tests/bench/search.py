"""`make bench`, search: the search page at 1,000 and at 100,000 workplan
items (and a progress note for every tenth item).

1. Drops and creates the database `bench_search`, migrates it, builds the
   test cast and an approved strategy (through the real code), then an
   approved workplan whose items are made with SQL (`INSERT ... SELECT FROM
   generate_series`): titles from a short list, descriptions of eight words
   from a vocabulary of sixty, so a common word matches a seventh of the
   items and a rare one a handful; then `ANALYZE`.
2. Through Django's test client with the production settings, signed in as
   the member (whose searches pass the member rule: approved records only),
   asks for the search page with a common word, a rare word, two words, and
   a common word filtered to workplan items, warming up first and keeping
   the median of the views.
3. Adds items up to the larger size and measures again.

Prints the figures and writes bench-results/search.json. Figures, not pass
or fail (the target, "well under a second", is printed beside them).
"""

import json
import re
import statistics
import sys
import time

from . import summary
from .history import _GLUE, _WORDS
from .run_bench import (
    HOST,
    RESULTS,
    BenchError,
    bench_main,
    environment,
    finish,
    recreate_database,
    say,
    server_url,
    set_up_django,
    with_database,
)

DATABASE = "bench_search"
SIZES = (1_000, 100_000)
VIEWS = 9
TARGET_MS = 1000
#: (label, query string): what a member might type.
SEARCHES = [
    ("common word", {"q": "telephony"}),
    ("rare word", {"q": "pangolin"}),
    ("two words", {"q": "renewing firewall"}),
    ("common, items only", {"q": "cloud", "kind": "workplan"}),
    ("phrase", {"q": '"telephony platform"'}),
]


def build():
    """The cast, an approved strategy and an approved, empty workplan."""
    from django.core.management import call_command

    from tests.base import (
        approve_workplan,
        build_business,
        build_cast,
        make_workplan,
    )

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    cast = build_cast()
    business = build_business(cast)
    workplan = make_workplan(cast, business.approved_strategy, 2090)
    approve_workplan(cast, business, workplan)
    workplan.refresh_from_db()
    return cast, workplan


def add_items(workplan, first, last):
    """Items `first`..`last` of `workplan`, approved with it, by SQL."""
    from django.db import connection

    from workplan.models import ProgressNote, WorkplanItem

    from .data import TITLES, _quote

    template = WorkplanItem.objects.create(
        organisation=workplan.organisation,
        workplan=workplan,
        reference="BN-TEMPLATE",
        title="Template",
        status=workplan.status,
    )
    vocabulary = _WORDS + _GLUE
    words = " || ' ' || ".join(
        f"(%(words)s::text[])[1 + (g * {prime}) %% %(n_words)s]"
        for prime in (7, 13, 17, 19, 23, 29, 31, 37)
    )
    varied = {
        "position": "g",
        "reference": "'BN-' || lpad(g::text, 6, '0')",
        "title": "(%(titles)s::text[])[1 + g %% %(n_titles)s] || ' (' || g || ')'",
        # One item in 20,000 mentions a pangolin.
        "description": (
            f"initcap({words}) || CASE WHEN g %% 20000 = 7 "
            "THEN ' pangolin' ELSE '' END || '.'"
        ),
    }
    columns, values = [], []
    for field in WorkplanItem._meta.concrete_fields:
        if field.primary_key or field.generated:
            continue
        columns.append(_quote(field.column))
        values.append(varied.get(field.name, f"t.{_quote(field.column)}"))
    table = _quote(WorkplanItem._meta.db_table)
    notes = _quote(ProgressNote._meta.db_table)
    params = {
        "first": first,
        "last": last,
        "template": template.pk,
        "titles": list(TITLES),
        "n_titles": len(TITLES),
        "words": vocabulary,
        "n_words": len(vocabulary),
        "workplan": workplan.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} "
            f"FROM generate_series(%(first)s, %(last)s) AS g, {table} AS t "
            "WHERE t.id = %(template)s",
            params,
        )
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [template.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {notes} (item_id, text, written_on, source, at) "  # noqa: S608
            f"SELECT i.id, 'Renewing the ' || i.title || ' contract; ' || "
            "i.description, DATE '2090-06-01', '', now() "
            f"FROM {table} AS i WHERE i.workplan_id = %(workplan)s "
            "AND i.position BETWEEN %(first)s AND %(last)s AND i.position %% 10 = 0",
            params,
        )
        cursor.execute("ANALYZE")


def view(client, query):
    """(ms, queries, results) of one search."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(reverse("search:search"), query, secure=True)
        took = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise BenchError(f"search {query} answered {response.status_code}")
    page = response.content.decode()
    found = re.search(r'id="results-heading">([\d,]+) result', page)
    if found is None:
        raise BenchError(f"search {query} showed no count of results")
    return took, len(queries), int(found.group(1).replace(",", ""))


def measure(client):
    figures = {}
    for label, query in SEARCHES:
        view(client, query)  # warm up
        views = [view(client, query) for _ in range(VIEWS)]
        times = sorted(took for took, _q, _n in views)
        figures[label] = {
            "query": query,
            "median_ms": statistics.median(times),
            "max_ms": times[-1],
            "queries": views[0][1],
            "results": views[0][2],
        }
    return figures


def run():
    started = time.monotonic()
    base_url = server_url()
    database_url = with_database(base_url, DATABASE)
    say(f"\nSearch (database {DATABASE!r}, dropped and created):")
    recreate_database(base_url, DATABASE)
    env = environment(database_url, RESULTS / "static-search")
    try:
        set_up_django(env)
        from django.test import Client

        from tests.base import sign_in

        cast, workplan = build()
        client = Client(HTTP_HOST=HOST)
        sign_in(client, cast.member)
        results = {}
        made = 0
        for size in SIZES:
            step = time.monotonic()
            add_items(workplan, made + 1, size)
            made = size
            say(f"  {size:>7,} items  {time.monotonic() - step:5.1f} s to make")
            results[size] = measure(client)

        header = f"{'search':<22}" + "".join(
            f"{f'{size:,} ms':>12}{'results':>9}" for size in SIZES
        )
        say(
            "\nSearch page as a member, through Django's request handling "
            f"(production settings), median of {VIEWS} views:\n"
        )
        say(header)
        say("-" * len(header))
        for label, _query in SEARCHES:
            row = f"{label:<22}"
            for size in SIZES:
                figure = results[size][label]
                row += f"{figure['median_ms']:>12.1f}{figure['results']:>9,}"
            say(row)
        queries = {
            results[size][label]["queries"] for size in SIZES for label, _ in SEARCHES
        }
        say(
            f"\nQueries per search: {', '.join(map(str, sorted(queries)))}. "
            f"Target: well under {TARGET_MS} ms at {SIZES[-1]:,} items."
        )
        summary.record(
            "search",
            [
                summary.row(
                    f"search {label!r} at {size:,} items (median)",
                    results[size][label]["median_ms"],
                    " ms",
                    limit=TARGET_MS,
                )
                for size in SIZES
                for label, _query in SEARCHES
            ],
        )
        out = RESULTS / "search.json"
        out.write_text(
            json.dumps(
                {
                    "target_ms": TARGET_MS,
                    "sizes": {str(size): v for size, v in results.items()},
                },
                indent=2,
            )
            + "\n"
        )
        say(
            "\nFigures written to bench-results/search.json. "
            f"Took {(time.monotonic() - started) / 60:.1f} min."
        )
    finally:
        finish(base_url, DATABASE)


def main():
    return bench_main(run)


if __name__ == "__main__":
    sys.exit(main())
