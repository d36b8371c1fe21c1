#!/usr/bin/env bash
# Set-up steps shared by `make run` and `make test`.
#
#   scripts/setup.sh system run|test   install missing system packages (as root
#                                      on Debian/Ubuntu) or say what to install
#   scripts/setup.sh venv [test]       create .venv and install the pinned
#                                      requirements (skipped when unchanged)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

CHROMIUM="${CHROMIUM_PATH:-/usr/lib/chromium/chromium}"

# --- Python 3.12+ -------------------------------------------------------------
find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  return 1
}

venv() {
  local want_test="${1:-}"
  local files="requirements.txt"
  [ "$want_test" = test ] && files="requirements.txt requirements-test.txt"
  local stamp=".venv/.installed-$(cat $files | sha1sum | cut -c1-12)"
  if [ -x .venv/bin/python ] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    if [ -f "$stamp" ]; then
      return
    fi
  else
    local python
    python="$(find_python)" || die "Python 3.12 or newer is needed (with venv). Install it (Debian 13 / Ubuntu 24.04: sudo apt-get install python3 python3-venv; older systems: pyenv install 3.12) and run this again."
    rm -rf .venv
    say "Creating .venv with $("$python" --version) ..."
    "$python" -m venv .venv || { rm -rf .venv; die "could not create .venv (Debian/Ubuntu: sudo apt-get install python3-venv)."; }
  fi
  say "Installing pinned requirements into .venv ..."
  local req=requirements.txt
  [ "$want_test" = test ] && req=requirements-test.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req" \
    || die "pip could not install $req (see above)."
  rm -f .venv/.installed-*
  # A stamp for this set of requirements, and for the runtime subset too.
  touch "$stamp" ".venv/.installed-$(cat requirements.txt | sha1sum | cut -c1-12)"
}

# --- system packages ------------------------------------------------------------
missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
  say "Installing system packages: $* ..."
  export DEBIAN_FRONTEND=noninteractive
  if [ ! -f "$ROOT/.local/apt-updated" ]; then
    apt-get update -qq >/dev/null || die "apt-get update failed."
    mkdir -p "$ROOT/.local" && touch "$ROOT/.local/apt-updated"
  fi
  apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed."
}

have_pg_binaries() {
  command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

system() {
  local purpose="${1:-run}"
  command -v dpkg-query >/dev/null 2>&1 || {
    say "note: not a Debian/Ubuntu system; make sure PostgreSQL's server binaries, Pango and fonts are installed."
    return
  }
  # Paper fonts (static/css/paper.css): Liberation Sans, DejaVu Sans for
  # scripts it lacks (e.g. Arabic), Symbola for emoji and symbols.
  local wanted=(fonts-liberation fonts-dejavu-core fonts-symbola libpango-1.0-0 libpangoft2-1.0-0)
  if [ -z "${DATABASE_URL:-}" ] && ! have_pg_binaries; then
    wanted+=(postgresql)
  fi
  if [ "$purpose" = test ] && [ ! -x "$CHROMIUM" ]; then
    wanted+=(chromium)
  fi
  # pdftoppm turns papers into page images for the layout tests (tests/papers/).
  if [ "$purpose" = test ]; then
    wanted+=(poppler-utils)
  fi
  local missing
  missing="$(missing_debs "${wanted[@]}" | tr '\n' ' ')"
  missing="${missing% }"
  # PostgreSQL may be installed by other means than the Debian package.
  if [ -z "$missing" ]; then return; fi
  if can_apt; then
    apt_install $missing
  elif [ "$purpose" = test ] && [ "$missing" = chromium ] && [ "${CI:-}" != true ]; then
    say "warning: Chromium is missing, so the browser tests will be skipped. Install it: sudo apt-get install chromium"
  else
    die "missing system packages. Install them and run this again: sudo apt-get install $missing"
  fi
}

case "${1:-}" in
  venv) shift; venv "$@" ;;
  system) shift; system "$@" ;;
  *) die "usage: scripts/setup.sh venv [test] | system run|test" ;;
esac
