"""The set-up contract: migrations, production settings, health, demo data."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def clean_environment(**env):
    """This process's environment without test-only switches, plus `env`."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**base, **env}


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def current_database_url():
    """The test database's address (its socket directory is an option of
    the connection, not its HOST, when the URL names it as `?host=`)."""
    params = connection.settings_dict
    host = params["HOST"] or params["OPTIONS"].get("host", "")
    password = quote(params["PASSWORD"] or "", safe="")
    credentials = f"{params['USER']}:{password}" if password else params["USER"]
    return f"postgres://{credentials}@/{params['NAME']}?host={quote(host, safe='/')}"


def test_migrations_are_committed(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_the_migrations_apply_from_an_empty_database():
    """The suite's databases are made from the models (`--nomigrations`);
    here the committed migrations are applied, in order, to an empty
    database of their own, as a fresh `make run` or a deployment does, and
    leave nothing for `makemigrations` to add."""
    name = f"{connection.settings_dict['NAME']}_migrations"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        from urllib.parse import urlsplit, urlunsplit

        from config.settings.env import local_database_url

        suite = urlsplit(os.environ.get("DATABASE_URL") or local_database_url())
        url = urlunsplit(suite._replace(path=f"/{name}"))
        env = {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": url}
        for command in (["migrate", "--no-input"], ["makemigrations", "--check"]):
            done = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=clean_environment(**env),
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_check_deploy_is_clean_with_production_environment(db):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY="x7#kq9!vL2p$Zr8@wN4m^Tb6&Yc1*Hd3(Jf5)Ge0-Ua_Si+Ro=Pn",
            ALLOWED_HOSTS="ict.ashdown.example",
            CSRF_TRUSTED_ORIGINS="https://ict.ashdown.example",
            DATABASE_URL=current_database_url(),
            MAIL_HOST="smtp.ashdown.example",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="",
        DATABASE_URL="postgres://app@/app?host=/nonexistent",
    )
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable." in result.stderr


def test_production_logs_leave_out_the_steps_of_each_paper():
    """WeasyPrint tells every step of every paper at INFO; the server's own
    INFO lines still reach its log."""
    result = run_python(
        "import django, logging; django.setup()\n"
        "from weasyprint import HTML\n"
        "HTML(string='<p>A paper</p>').write_pdf()\n"
        "logging.getLogger('governance').info('Still told')\n",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x7#kq9!vL2p$Zr8@wN4m^Tb6&Yc1*Hd3(Jf5)Ge0-Ua_Si+Ro=Pn",
        DATABASE_URL="postgres://app@/app?host=/nonexistent",
    )
    assert result.returncode == 0, result.stderr
    assert "Still told" in result.stderr
    assert "Step" not in result.stderr, result.stderr


def test_settings_refuse_a_database_other_than_postgresql():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL="sqlite:///tmp/x.db",
    )
    assert result.returncode != 0
    assert "only supported database" in result.stderr


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


# /healthz while the database is away (503, Retry-After): in
# tests/governance/test_service_unavailable.py, with the pages' 503.


def test_an_unreachable_database_url_gets_one_clear_sentence():
    result = subprocess.run(
        ["bash", "scripts/db.sh", "start"],
        cwd=ROOT,
        env=clean_environment(
            DATABASE_URL="postgres://app@/app?host=/nonexistent-socket-dir",
            PYTHON=sys.executable,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "the PostgreSQL server in DATABASE_URL does not answer" in result.stderr


def test_missing_postgresql_binaries_get_one_clear_sentence():
    result = subprocess.run(
        ["bash", "scripts/db.sh", "start"],
        cwd=ROOT,
        env=clean_environment(PG_BINDIR="/nonexistent", DATABASE_URL=""),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PostgreSQL server binaries (initdb, pg_ctl) were not found" in (
        result.stderr
    )
    assert "apt-get install postgresql" in result.stderr


def test_security_headers_are_sent(client, db):
    response = client.get("/sign-in/")
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part
    )
    assert "'nonce-" in directives["script-src"]
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    nonce = directives["script-src"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_every_page_requires_sign_in_except_sign_in_and_health(client, db):
    assert client.get("/").status_code == 302
    assert client.get("/sign-in/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_session_ends_after_its_age(cast, client_for):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = client_for(cast.officer)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get("/").status_code == 302
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_load_demo_refuses_with_debug_off_unless_forced(db):
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo", password="x")


@pytest.mark.long
def test_load_demo_twice_leaves_one_copy(db):
    from django.contrib.auth import get_user_model

    from decisions.models import Committee
    from governance.models import Membership, Organisation

    def counts():
        return (
            Organisation.objects.count(),
            Committee.objects.count(),
            get_user_model().objects.count(),
            Membership.objects.count(),
            Organisation.history.count(),
        )

    call_command(
        "load_demo", password="demo-one", force=True, stdout=open(os.devnull, "w")
    )
    first = counts()
    call_command(
        "load_demo", password="demo-two", force=True, stdout=open(os.devnull, "w")
    )
    assert counts() == first == (2, 6, 5, 5, 2)
    officer = get_user_model().objects.get(username="officer")
    assert officer.check_password("demo-two")
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "admin",
        "clerk",
        "officer",
        "member",
        "other-officer",
    }
