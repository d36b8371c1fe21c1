#!/usr/bin/env bash
# `make test`: lint, then the whole pytest suite (unit, integration, browser)
# against PostgreSQL. Ends with pytest's summary line.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

scripts/setup.sh system test || exit 1
scripts/setup.sh venv test || exit 1
scripts/db.sh start || exit 1

lint=0
echo "== ruff check"; .venv/bin/ruff check . || lint=1
echo "== ruff format --check"; .venv/bin/ruff format --check . || lint=1

# One pytest worker per core, at most four (pytest-xdist; each worker has
# its own test database, suffixed _gw0, _gw1, ...). PYTEST_WORKERS=0 runs
# everything in one process. Work stealing lets an idle worker take queued
# tests from a busy one, so the slow tests at the end do not run on one.
# `make test` runs everything but the fault-injection tests, the whole-site
# crawls, the council papers' journeys and the demo loaded for many days
# (marker `long`); `make test-faults` (FAULTS=1) runs only those.
if [ -n "${FAULTS:-}" ]; then marks="faults or crawl or journeys or long"; else marks="not faults and not crawl and not journeys and not long"; fi
echo "== pytest -m \"$marks\""
.venv/bin/python -m pytest -m "$marks" --numprocesses="${PYTEST_WORKERS:-auto}" --maxprocesses=4 --dist worksteal "$@"
status=$?
if [ $lint -ne 0 ]; then
  echo "Lint failed (see ruff output above)."
  [ $status -eq 0 ] && status=1
fi
exit $status
