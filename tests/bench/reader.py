"""Figures for the spreadsheet reader (`workplan.spreadsheet_reader`):
how long reading or refusing each file takes, and how big the files are.

    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python -m tests.bench.reader

No database and no server: each file is built in memory
(`tests/workplan/spreadsheet_files.py`), then `read_sheet` runs on it
`RUNS` times; the median wall-clock and processor times are printed and
written to bench-results/reader.json. Figures, not pass or fail: the
targets (a hostile file refused in well under a second, a 5,000-row
workbook read well inside the 5-second budget) are printed beside them.
The machine is shared, so wall-clock figures move with its load; the
processor time is the steadier one.
"""

import io
import json
import os
import statistics
import time
import zipfile

RUNS = 3


def files():
    from tests.workplan.spreadsheet_files import (
        blank_rows_workbook,
        realistic_xlsx,
        row_xml,
        sheet_xlsx,
    )

    header = row_xml(1, ["Reference", "Title"])
    csv_rows = "".join(f"WP-{n},Item {n},2023-03-31,{n}\n" for n in range(5000))
    return [
        ("2 million blank rows (refused)", blank_rows_workbook(2_000_000)),
        ("150,000 blank rows, 7 MB (refused)", blank_rows_workbook(150_000)),
        (
            "20,001 numbered blank rows (refused)",
            sheet_xlsx([header, *(b'<row r="%d"/>' % n for n in range(2, 20_002))]),
        ),
        ("5,000 x 20 workbook, typical", realistic_xlsx(5000, 1, 30)),
        ("5,000 x 20 workbook, 3 long text columns", realistic_xlsx(5000, 3, 60)),
        ("5,000 x 20 workbook, 5 longer text columns", realistic_xlsx(5000, 5, 100)),
        ("5,000-row CSV", ("Reference,Title,Target,Budget\n" + csv_rows).encode()),
    ]


def unpacked(data):
    if not data.startswith(b"PK"):
        return len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def measure(data):
    from workplan.importers import ImportRefused
    from workplan.spreadsheet_reader import read_sheet

    walls, processors, outcome = [], [], ""
    for _ in range(RUNS):
        wall, processor = time.perf_counter(), time.process_time()
        try:
            outcome = f"{len(read_sheet(data).rows):,} rows read"
        except ImportRefused as exc:
            outcome = f"refused: {str(exc)[:60]}…"
        walls.append(time.perf_counter() - wall)
        processors.append(time.process_time() - processor)
    return statistics.median(walls), statistics.median(processors), outcome


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from tests.bench.run_bench import RESULTS, say

    results = []
    say(f"{'file':<44} {'size':>9} {'unpacked':>10} {'wall':>7} {'cpu':>7}  outcome")
    for label, data in files():
        wall, processor, outcome = measure(data)
        results.append(
            {
                "file": label,
                "bytes": len(data),
                "unpacked_bytes": unpacked(data),
                "wall_seconds": round(wall, 3),
                "processor_seconds": round(processor, 3),
                "outcome": outcome,
            }
        )
        say(
            f"{label:<44} {len(data) / 1024:>6,.0f} KB {unpacked(data) / 1e6:>7.1f} MB"
            f" {wall:>6.2f}s {processor:>6.2f}s  {outcome}"
        )
    say("Targets: a refusal well under 1 s; a 5,000-row file well inside 5 s.")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reader.json").write_text(json.dumps(results, indent=2))
    from tests.bench import summary

    summary.record(
        "reader",
        [
            summary.row(
                f"reader: {r['file']}",
                r["wall_seconds"],
                " s",
                limit=1.0 if r["outcome"].startswith("refused") else 5.0,
            )
            for r in results
        ],
    )


if __name__ == "__main__":
    main()
