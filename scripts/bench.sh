#!/usr/bin/env bash
# `make bench`: figures for the workplan list page against the Django admin,
# and the decisions, meetings and strategies lists against theirs
# (tests/bench/run_bench.py, about eight minutes, bench-results/bench.json),
# then for the large papers (tests/bench/papers.py, about three minutes,
# bench-results/papers.json), then for a history page of 50 edits of a long
# text (tests/bench/history.py, under a minute, bench-results/history.json),
# then for the spreadsheet reader on hostile and realistic files
# (tests/bench/reader.py, under a minute, bench-results/reader.json), then
# for the workplan papers rendered inline at sizes around INLINE_ITEMS
# (tests/bench/threshold.py, about five minutes, bench-results/threshold.json),
# then for the search page at 1,000 and 100,000 items (tests/bench/search.py,
# about two minutes, bench-results/search.json), then for the public
# decision page against a static file of the same size (tests/bench/public.py,
# about a minute, bench-results/public.json), then for an open data API
# list against a static file of the same bytes (tests/bench/api.py, about
# five minutes, bench-results/api.json), then for the pages of approved and
# published records kept per version, signed in, against the same bytes as
# static files (tests/bench/documents.py, about four minutes,
# bench-results/documents.json), then 50 people using the site at once for
# a minute: members reading, officers filtering, updating progress and
# exporting, clerks editing an agenda and publishing decisions, one agenda
# pack made by the paper worker meanwhile (tests/bench/load.py with Locust,
# six to eight minutes with set-up, bench-results/load.json), then the
# workplan page asked every filter, order and ?page= it may be given at
# 100,000 items and a herd of 100 on a cold document (tests/bench/bad_input.py,
# about five minutes, bench-results/bad-input.json).
# Loopback only; every load run is bounded. `scripts/bench.sh papers` runs
# only the papers, `scripts/bench.sh history` only the history page,
# `scripts/bench.sh reader` only the reader,
# `scripts/bench.sh threshold` only the inline threshold,
# `scripts/bench.sh search` only the search page,
# `scripts/bench.sh public ...` only the public decision page,
# `scripts/bench.sh api` only the open data API,
# `scripts/bench.sh documents ...` only the kept documents,
# `scripts/bench.sh load ...` only the mixed load (--duration, --users),
# `scripts/bench.sh bad-input` only the bad input,
# `scripts/bench.sh pages ...` only the pages. Other options go to
# run_bench.py: scripts/bench.sh --help
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
say() { printf '%s\n' "$*" >&2; }

scripts/setup.sh system run
scripts/setup.sh venv test
scripts/db.sh start

# wrk, the load generator (a Debian package).
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing wrk ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq wrk >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; } \
      || { say "error: apt-get install wrk failed."; exit 1; }
  else
    say "error: wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install wrk) and run 'make bench' again."
    exit 1
  fi
fi

mkdir -p bench-results
# This run's figures with their targets (tests/bench/summary.py), printed
# as one table at the end.
rm -rf bench-results/summary
PIDFILE="$ROOT/bench-results/gunicorn.pid"
rm -f "$PIDFILE"

# run_bench.py stops its gunicorn itself (also on Ctrl-C and SIGTERM); this
# trap is for the case where Python itself was killed: it stops the server
# named in the pid file, and only if that process is still our gunicorn.
cleanup() {
  local pid
  if [ -s "$PIDFILE" ]; then
    pid="$(cat "$PIDFILE")"
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "gunicorn config.wsgi"; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PARTS=both
case "${1:-}" in
  papers) PARTS=papers; shift ;;
  pages) PARTS=pages; shift ;;
  history) PARTS=history; shift ;;
  reader) PARTS=reader; shift ;;
  threshold) PARTS=threshold; shift ;;
  search) PARTS=search; shift ;;
  public) PARTS=public; shift ;;
  api) PARTS=api; shift ;;
  documents) PARTS=documents; shift ;;
  load) PARTS=load; shift ;;
  bad-input) PARTS=bad-input; shift ;;
esac
export BENCH_SERVER_URL="$(scripts/db.sh url)"
if [ "$PARTS" = both ] || [ "$PARTS" = pages ]; then
  .venv/bin/python -m tests.bench.run_bench "$@"
fi
if [ "$PARTS" = both ] || [ "$PARTS" = papers ]; then
  .venv/bin/python -m tests.bench.papers
fi
if [ "$PARTS" = both ] || [ "$PARTS" = history ]; then
  .venv/bin/python -m tests.bench.history
fi
if [ "$PARTS" = both ] || [ "$PARTS" = reader ]; then
  .venv/bin/python -m tests.bench.reader
fi
if [ "$PARTS" = both ] || [ "$PARTS" = threshold ]; then
  .venv/bin/python -m tests.bench.threshold
fi
if [ "$PARTS" = both ] || [ "$PARTS" = search ]; then
  .venv/bin/python -m tests.bench.search
fi
if [ "$PARTS" = both ] || [ "$PARTS" = public ]; then
  if [ "$PARTS" = public ]; then
    .venv/bin/python -m tests.bench.public "$@"
  else
    .venv/bin/python -m tests.bench.public
  fi
fi
if [ "$PARTS" = both ] || [ "$PARTS" = api ]; then
  .venv/bin/python -m tests.bench.api
fi
if [ "$PARTS" = both ] || [ "$PARTS" = documents ]; then
  if [ "$PARTS" = documents ]; then
    .venv/bin/python -m tests.bench.documents "$@"
  else
    .venv/bin/python -m tests.bench.documents
  fi
fi
if [ "$PARTS" = both ] || [ "$PARTS" = load ]; then
  if [ "$PARTS" = load ]; then
    .venv/bin/python -m tests.bench.load "$@"
  else
    .venv/bin/python -m tests.bench.load
  fi
fi
if [ "$PARTS" = both ] || [ "$PARTS" = bad-input ]; then
  .venv/bin/python -m tests.bench.bad_input
fi
# One table of every figure of this run beside its target.
.venv/bin/python -m tests.bench.summary
