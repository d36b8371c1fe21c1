"""The one table `make bench` ends with: every figure beside its target.

Each benchmark calls `record(scenario, rows)` as it finishes; each row is
a figure with its value, its target and whether this run met it. `make
bench` starts by clearing `bench-results/summary/` and ends with
`python -m tests.bench.summary`, which prints all the rows of this run as
one table (and writes them to `bench-results/summary.json`). Met or missed
is shown, never asserted: the machine is shared and noisy, so a figure is
a measurement, not a test.

A row: {"figure", "value", "unit", "target", "limit", "better", "met"}:
`target` is the target as words ("<= 0.80x admin"), `limit` the number it
is compared with, `better` "lower" or "higher"; `met` is None when there
is nothing to compare (a figure without a target).
"""

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "bench-results" / "summary"
#: The order the scenarios run in (`scripts/bench.sh`).
ORDER = [
    "pages",
    "papers",
    "history",
    "reader",
    "threshold",
    "search",
    "public",
    "api",
    "documents",
    "load",
    "bad-input",
]


def row(figure, value, unit, *, limit=None, better="lower", target=None):
    """One figure; `met` from `limit` ("lower": value <= limit)."""
    met = None
    if limit is not None and value is not None:
        met = value <= limit if better == "lower" else value >= limit
    if target is None and limit is not None:
        target = f"{'<=' if better == 'lower' else '>='} {limit:g}{unit}"
    return {
        "figure": figure,
        "value": value,
        "unit": unit,
        "target": target or "-",
        "limit": limit,
        "better": better,
        "met": met,
    }


def record(scenario, rows):
    FOLDER.mkdir(parents=True, exist_ok=True)
    (FOLDER / f"{scenario}.json").write_text(
        json.dumps(
            {
                "scenario": scenario,
                "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )


def load():
    found = []
    for path in FOLDER.glob("*.json") if FOLDER.is_dir() else []:
        found.append(json.loads(path.read_text()))
    rank = {name: index for index, name in enumerate(ORDER)}
    return sorted(found, key=lambda s: (rank.get(s["scenario"], 99), s["scenario"]))


def fmt(value, unit):
    if value is None:
        return "?"
    if isinstance(value, float):
        text = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    else:
        text = f"{value:,}"
    return f"{text}{unit}"


def table(scenarios):
    headers = ["scenario", "figure", "value", "target", "met"]
    lines = []
    for scenario in scenarios:
        for r in scenario["rows"]:
            lines.append(
                [
                    scenario["scenario"],
                    r["figure"],
                    fmt(r["value"], r["unit"]),
                    r["target"],
                    {True: "met", False: "MISSED", None: "-"}[r["met"]],
                ]
            )
    if not lines:
        return ["(no figures recorded in this run)"]
    widths = [max(len(h), *(len(x[i]) for x in lines)) for i, h in enumerate(headers)]
    right = {2}

    def line(cells):
        return " | ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i])
            for i, c in enumerate(cells)
        )

    out = [line(headers), "-+-".join("-" * w for w in widths)]
    previous = None
    for cells in lines:
        if previous is not None and cells[0] != previous:
            out.append("-+-".join("-" * w for w in widths))
        previous = cells[0]
        out.append(line(cells))
    return out


def main():
    scenarios = load()
    rows = [r for s in scenarios for r in s["rows"]]
    met = sum(1 for r in rows if r["met"] is True)
    missed = sum(1 for r in rows if r["met"] is False)
    print(
        "\nSummary: every figure of this run beside its target (shown, not "
        "asserted; a shared machine moves absolute figures 20-30 %, ratios "
        "taken in the same run are what counts):\n"
    )
    for text in table(scenarios):
        print(text)
    print(f"\n{met} met, {missed} missed, {len(rows) - met - missed} without a target.")
    out = ROOT / "bench-results" / "summary.json"
    out.write_text(json.dumps({"scenarios": scenarios}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
