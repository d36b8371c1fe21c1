#!/usr/bin/env bash
# `make run`: set everything up and serve the app with demo data, as a
# council would meet it (DEBUG off: the council-branded 404, 403 and 500
# pages; static files through WhiteNoise). `make dev` (DEV=1): the same with
# DEBUG on and the server restarting when the code changes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-8000}"

scripts/setup.sh system run
scripts/setup.sh venv
scripts/db.sh start
PY=.venv/bin/python

$PY manage.py migrate --noinput -v0

# The demo password: DEMO_PASSWORD, else the one generated on the first run.
if [ -z "${DEMO_PASSWORD:-}" ]; then
  if [ ! -s .local/demo-password ]; then
    (umask 077; $PY -c 'import secrets; print(secrets.token_urlsafe(12))' >.local/demo-password)
  fi
  DEMO_PASSWORD="$(cat .local/demo-password)"
fi
DEMO_PASSWORD="$DEMO_PASSWORD" $PY manage.py load_demo
# The papers of approved and published demo records, queued for the worker
# below (already-current ones are skipped).
$PY manage.py prepare_papers

# The background worker renders large papers (agenda packs) and sends the
# e-mails that are due (notifications, digests, reminders); it stops with
# the server. `paper_worker` rides out database outages itself (back-off)
# and queues again jobs a stopped worker left; should it exit all the same,
# it is started again.
(
  trap 'kill $CHILD 2>/dev/null; exit 0' INT TERM
  while :; do
    $PY manage.py paper_worker --no-startup-delay -v0 &
    CHILD=$!
    wait $CHILD || true
    sleep 2
  done
) &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo
echo "Serving on http://127.0.0.1:$PORT/ with the paper worker (pid $WORKER)."
echo "E-mail (invitations, notifications, reminders) is written to files, one per"
echo "message, in ${MAIL_DIR:-$ROOT/.local/mail}/ (set MAIL_DIR to change it)."
echo "Ctrl-C stops both; 'make db-stop' stops the database."
echo
if [ -n "${DEV:-}" ]; then
  DEBUG="${DEBUG:-1}" $PY manage.py runserver "127.0.0.1:$PORT"
else
  DEBUG="${DEBUG:-0}" $PY manage.py runserver --noreload "127.0.0.1:$PORT"
fi
