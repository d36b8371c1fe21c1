"""`make bench`, bad input: the workplan page asked everything a person (or
a crawler) may put in its address at 100,000 items, and a herd on a cold
document, against gunicorn with the production settings.

1. Drops and creates the database `bench_bad_input`, migrates it, loads the
   demo and adds two workplans of 100,000 items made with SQL
   (`tests/bench/data.py`): one with its items spread over the strategy's
   themes, one with every item in one theme (the page draws a table a
   theme). Signs in the demo's administrator of Ashcombe (the workplan
   page), a member of Ashcombe (the herd) and an officer of another
   council, second factor passed, as the tests do.
2. Starts gunicorn as deployed (`config/gunicorn.py`, the machine's two
   cores, as the mixed load) and asks, one at a time, on both workplans:
   - every filter of the page alone, every pair of filters, all of them
     and none, each with every order the page offers (and its default);
     the filter values are read from the page's own form;
   - `?page=` at the last page, one past it, far past it, zero, negative
     and not a number, with and without filters;
   - values the form refuses (a theme of no plan, a date that is not
     one, an order that does not exist).
3. 100 requests at once (curl's parallel mode, a connection each) for the
   approved strategy's page as a member, just after a change has made its
   kept document cold; then the same herd again, kept, and the page alone.
4. The kept document probed while it is kept: asked by an officer of
   another council, and a draft strategy asked by the member; neither may
   be answered with the page.
5. Prints the slowest answers, p99 and the worst of each part, and any
   error (a 5xx, a refused connection), and records them beside their
   targets (p99 at most a second, no error, nothing served to someone who
   may not read it). Figures, not pass or fail.

    scripts/bench.sh bad-input
"""

import http.client
import itertools
import json
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from . import summary
from .load import TwoCoreServer, server_shape
from .run_bench import (
    HOST,
    PER_PAGE,
    RESULTS,
    USERNAME,
    BenchError,
    begin,
    bench_main,
    finish,
    say,
)

DATABASE = "bench_bad_input"
ITEMS = 100_000
#: No answer over a second at p99.
TARGET_P99_MS = 1000
HERD = 100


def build(password):
    """The workplans and the readers; returns what the run asks for."""
    import io

    from django.core.management import call_command
    from django.urls import reverse

    from governance.choices import Role
    from governance.lifecycle import LifecycleStatus
    from governance.models import Membership, Organisation
    from strategy.models import Strategy

    from . import data

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", force=True, password=password, stdout=io.StringIO())
    spread = data.build_workplans([ITEMS])[0]
    one_theme = data.build_workplans([ITEMS], one_theme=True, first_year=2095)[0]
    data.analyze()
    council = Organisation.objects.get(slug=data.COUNCIL)
    approved = (
        Strategy.objects.filter(organisation=council, status=LifecycleStatus.APPROVED)
        .order_by("pk")
        .first()
    )
    draft = (
        Strategy.objects.filter(organisation=council, status=LifecycleStatus.DRAFT)
        .order_by("pk")
        .first()
    )
    from decisions.choices import DecisionStatus
    from decisions.models import DecisionRecord

    decision = (
        DecisionRecord.objects.filter(
            organisation=council, status=DecisionStatus.PUBLISHED
        )
        .order_by("-pk")
        .first()
    )
    if approved is None or draft is None or decision is None:
        raise BenchError(
            "the demo has no approved and draft strategy or published decision "
            "for Ashcombe"
        )
    member = (
        Membership.objects.filter(organisation=council, role=Role.MEMBER)
        .order_by("pk")
        .first()
        .user
    )
    elsewhere = (
        Membership.objects.filter(role=Role.OFFICER, ended_at__isnull=True)
        .exclude(organisation=council)
        .exclude(user__memberships__organisation=council)
        .order_by("pk")
        .first()
        .user
    )
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username=USERNAME)
    return {
        "workplans": {
            "spread over the themes": reverse(
                "workplan:workplan_detail", args=[spread["workplan_id"]]
            ),
            "all in one theme": reverse(
                "workplan:workplan_detail", args=[one_theme["workplan_id"]]
            ),
        },
        "approved": approved,
        "approved_name": (
            "strategy delivering 200k items"
            if approved.workplans.filter(pk=spread["workplan_id"]).exists()
            else "approved strategy"
        ),
        "approved_path": reverse("strategy:strategy_detail", args=[approved.pk]),
        "decision": decision,
        "decision_path": reverse("decisions:decision_detail", args=[decision.pk]),
        "draft_path": reverse("strategy:strategy_detail", args=[draft.pk]),
        "cookies": _cookies({"admin": admin, "member": member, "other": elsewhere}),
    }


def _cookies(users):
    from django.test import Client

    from tests.base import sign_in

    cookies = {}
    for name, user in users.items():
        client = Client(HTTP_HOST=HOST)
        sign_in(client, user)
        cookies[name] = f"sessionid={client.cookies['sessionid'].value}"
    return cookies


def get(server, path, cookie, timeout=60):
    """(status, milliseconds, body) of one request; status 0 when the
    connection failed."""
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
        status = response.status
        conn.close()
    except OSError:
        status, body = 0, b""
    return status, (time.perf_counter() - started) * 1000, body


def form_values(html):
    """{filter: a value the page's own form offers} (the first choice of
    each select, a word for the text box, dates inside the plan's year)."""
    values = {}
    for name, options in re.findall(
        r'<select[^>]*name="([a-z_]+)"[^>]*>(.*?)</select>', html, re.S
    ):
        choices = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
        if choices and name != "ordering":
            values[name] = choices[len(choices) // 2]
    values["q"] = "telephony"
    dates = sorted(set(re.findall(r'name="(due_(?:after|before)[a-z_-]*)"', html)))
    return values, dates


def date_values(names, after, before):
    """The date filters' fields, whatever the form splits them into."""
    values = {}
    for name in names:
        moment = after if name.startswith("due_after") else before
        if name.endswith("day"):
            values[name] = str(moment[2])
        elif name.endswith("month"):
            values[name] = str(moment[1])
        elif name.endswith("year"):
            values[name] = str(moment[0])
        else:
            values[name] = f"{moment[0]}-{moment[1]:02d}-{moment[2]:02d}"
    return values


def addresses(path, html, last_page):
    """Every address asked of one workplan: (part, path)."""
    values, date_names = form_values(html)
    orders = sorted(set(re.findall(r'<option value="(-?[a-z]+)"', html)))
    offered = ("reference", "due", "percent", "title")
    orders = [order for order in orders if order.lstrip("-") in offered]
    filters = {name: {name: value} for name, value in values.items()}
    if date_names:
        filters["due_after"] = date_values(
            [n for n in date_names if n.startswith("due_after")], (2090, 5, 1), None
        )
        filters["due_before"] = date_values(
            [n for n in date_names if n.startswith("due_before")], None, (2090, 10, 31)
        )
    names = sorted(filters)
    sets = [()]
    sets += [(name,) for name in names]
    sets += list(itertools.combinations(names, 2))
    sets.append(tuple(names))
    asked = []
    for chosen in sets:
        query = {}
        for name in chosen:
            query.update(filters[name])
        for order in ["", *orders]:
            asked.append(
                (
                    "filters and orders",
                    path + "?" + urllib.parse.urlencode({**query, "ordering": order}),
                )
            )
    one = next(iter(filters.values()), {})
    for page in [last_page, last_page + 1, 10**9, 0, -1, "abc", "last", ""]:
        for query in ({}, one):
            asked.append(
                ("?page=", path + "?" + urllib.parse.urlencode({**query, "page": page}))
            )
    refused = [
        {"theme": "999999999"},
        {"theme": "not-a-theme"},
        {"rag": "purple"},
        {"ordering": "-nothing"},
        {"ordering": "reference,title,due,percent" * 20},
        {"q": "x" * 5000},
        {"page": "9" * 400},
    ]
    if date_names:
        refused.append({name: "31" for name in date_names})
    for query in refused:
        asked.append(("refused values", path + "?" + urllib.parse.urlencode(query)))
    return asked


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0


def herd(server, path, cookie):
    """`HERD` requests at once, each on its own connection, by curl's
    parallel mode (a C client: a herd of Python threads took a core of its
    own from the server). [(status, milliseconds)]."""
    with tempfile.NamedTemporaryFile("w", suffix=".curl", delete=False) as config:
        for _ in range(HERD):
            config.write(f'url = "{server.origin}{path}"\noutput = "/dev/null"\n')
    try:
        finished = subprocess.run(
            [
                "curl",
                "--silent",
                "--parallel",
                "--parallel-immediate",
                "--parallel-max",
                str(HERD),
                "--max-time",
                "60",
                "--header",
                f"Cookie: {cookie}",
                "--write-out",
                "%{http_code} %{time_total}\n",
                "--config",
                config.name,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        Path(config.name).unlink()
    answers = []
    for line in finished.stdout.splitlines():
        status, seconds = line.split()
        answers.append((int(status), float(seconds) * 1000))
    return answers


def run():
    started = time.monotonic()
    base_url, static_root, env = begin(DATABASE, "bad-input")
    server = None
    try:
        say(f"Loading the demo and two workplans of {ITEMS:,} items ...")
        built = build(secrets.token_urlsafe(16))
        from django.db import connections

        connections.close_all()
        # As deployed (`config/gunicorn.py`: both cores), as the mixed load.
        server = TwoCoreServer(
            env,
            RESULTS / "bad-input-gunicorn.log",
            RESULTS / "bad-input-gunicorn.pid",
        )
        server.wait_ready()
        admin = built["cookies"]["admin"]

        timings = {}  # part -> [ms]
        errors = []
        slowest = []
        last_page = -(-ITEMS // PER_PAGE)
        for name, path in built["workplans"].items():
            status, _ms, body = get(server, path, admin)
            if status != 200:
                raise BenchError(f"{path} answered {status}")
            asked = addresses(path, body.decode(), last_page)
            values, dates = form_values(body.decode())
            filters = sorted([*values, *dates])
            say(f"  {name}: {len(asked)} addresses (filters {filters}) ...")
            for part, address in asked:
                status, ms, _body = get(server, address, admin)
                timings.setdefault(part, []).append(ms)
                slowest.append((ms, status, address))
                if status == 0 or status >= 500:
                    errors.append((status, address))

        # The herds: a change makes each document cold (a save of the
        # record itself), then 100 at once, again kept, then one at a time.
        from governance.history import save_with_reason

        member = built["cookies"]["member"]
        herds = {}
        for name, record, path in (
            (built["approved_name"], built["approved"], built["approved_path"]),
            ("published decision", built["decision"], built["decision_path"]),
        ):
            save_with_reason(record, user=None, reason="Made cold for the benchmark")
            connections.close_all()
            cold = herd(server, path, member)
            kept = herd(server, path, member)
            alone = [get(server, path, member)[1] for _ in range(20)]
            herds[name] = {"cold": cold, "kept": kept, "alone": alone}

        # Probes while it is kept.
        leaks = []
        _status, _ms, page = get(server, built["approved_path"], member)
        page = page if _status == 200 else b""
        for who, path in (
            ("other", built["approved_path"]),
            ("member", built["draft_path"]),
        ):
            for _ in range(3):
                status, _ms, body = get(server, path, built["cookies"][who])
                if status == 200 or (page and body == page):
                    leaks.append((who, path, status))

        every = [ms for values in timings.values() for ms in values]
        herd_errors = sum(
            status != 200
            for figures in herds.values()
            for status, _ms in (*figures["cold"], *figures["kept"])
        )
        say(
            "\nBad input at 100,000 items and a herd on a cold document, gunicorn "
            f"({server_shape()}), one request at a time but the herd:\n"
        )
        header = f"{'part':<22}{'asked':>7}{'p50 ms':>9}{'p99 ms':>9}{'worst ms':>10}"
        say(header)
        say("-" * len(header))
        for part, values in [*timings.items(), ("all of the above", every)]:
            say(
                f"{part:<22}{len(values):>7}{percentile(values, 0.5):>9.0f}"
                f"{percentile(values, 0.99):>9.0f}{max(values):>10.0f}"
            )
        for name, figures in herds.items():
            say(f"{name}:")
            for label, values in (
                (f"  herd of {HERD}, cold", [ms for _s, ms in figures["cold"]]),
                (f"  herd of {HERD}, kept", [ms for _s, ms in figures["kept"]]),
                ("  alone, kept", figures["alone"]),
            ):
                say(
                    f"{label:<22}{len(values):>7}{percentile(values, 0.5):>9.0f}"
                    f"{percentile(values, 0.99):>9.0f}{max(values or [0]):>10.0f}"
                )
        say("\nThe slowest addresses:")
        for ms, status, address in sorted(slowest, reverse=True)[:8]:
            say(f"  {ms:7.0f} ms  {status}  {address[:150]}")
        say(
            f"\nErrors (5xx or no answer): {len(errors)} {errors[:5]}; herd answers "
            f"not 200: {herd_errors}; served to one who may not read it: {len(leaks)} "
            f"{leaks}."
        )
        summary.record(
            "bad-input",
            [
                summary.row(
                    "filters, orders, ?page=, refused values: p99",
                    round(percentile(every, 0.99), 1),
                    " ms",
                    limit=TARGET_P99_MS,
                ),
                summary.row(
                    f"the same: errors in {len(every)} requests",
                    len(errors),
                    "",
                    limit=0,
                ),
                *(
                    summary.row(
                        f"herd of {HERD}, cold {name}: p99",
                        round(percentile([ms for _s, ms in f["cold"]], 0.99), 1),
                        " ms",
                        limit=TARGET_P99_MS,
                    )
                    for name, f in herds.items()
                ),
                summary.row(
                    f"herds of {HERD}: answers not 200",
                    herd_errors,
                    "",
                    limit=0,
                ),
                summary.row(
                    "kept document served to one who may not read it",
                    len(leaks),
                    "",
                    limit=0,
                ),
            ],
        )
        (RESULTS / "bad-input.json").write_text(
            json.dumps(
                {
                    "parts": {
                        part: {
                            "asked": len(values),
                            "p50_ms": percentile(values, 0.5),
                            "p99_ms": percentile(values, 0.99),
                            "worst_ms": max(values),
                        }
                        for part, values in timings.items()
                    },
                    "errors": errors,
                    "herds": {
                        name: {
                            label: {
                                "p50_ms": percentile(values, 0.5),
                                "p99_ms": percentile(values, 0.99),
                            }
                            for label, values in (
                                ("cold", [ms for _s, ms in f["cold"]]),
                                ("kept", [ms for _s, ms in f["kept"]]),
                                ("alone", f["alone"]),
                            )
                        }
                        for name, f in herds.items()
                    },
                    "herd_answers_not_200": herd_errors,
                    "leaks": leaks,
                },
                indent=2,
            )
            + "\n"
        )
        say(
            "Figures written to bench-results/bad-input.json. "
            f"Took {(time.monotonic() - started) / 60:.1f} min."
        )
    finally:
        finish(base_url, DATABASE, server)


def main(argv=None):
    return bench_main(run)


if __name__ == "__main__":
    sys.exit(main())
