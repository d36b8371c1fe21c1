"""While the database cannot be reached: 503, the "service unavailable" page
and Retry-After, drawn without the database; /healthz says the same.

The failures are real: connections to a TCP port nothing listens on."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import (
    DEFAULT_DB_ALIAS,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.test import RequestFactory

from governance.errors import (
    RETRY_AFTER_SECONDS,
    database_unavailable,
    server_error,
    service_unavailable,
)
from governance.models import Organisation

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = "ICT strategy governance"


def closed_port():
    """A loopback TCP port nothing listens on (bound, then let go)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_connection():
    """A connection to the test database's server, at a closed port, without
    the pool (its own timeout would only make the test slower)."""
    settings = {
        **connection.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": closed_port(),
        "OPTIONS": {"connect_timeout": 2},
    }
    return type(connections[DEFAULT_DB_ALIAS])(settings, alias="unreachable")


@pytest.mark.faults
def test_a_page_asked_for_while_the_database_is_away_answers_503():
    # A fresh process whose DATABASE_URL names a closed port: every request
    # that needs the database fails to connect, really.
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "signed_in = Client(raise_request_exception=False)\n"
        "signed_in.cookies['sessionid'] = 'a' * 32\n"
        "monitor = Client(raise_request_exception=False)\n"
        "for client, path in ((signed_in, '/strategies/'), (monitor, '/healthz'),"
        " (signed_in, '/healthz')):\n"
        "    response = client.get(path)\n"
        "    print(path, response.status_code, response.get('Retry-After'))\n"
        "    print(response.content.decode())\n"
        "    print('--')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://app@127.0.0.1:{closed_port()}/app",
            "DATABASE_POOL_TIMEOUT": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    page, health, health_with_cookie, _rest = result.stdout.split("--\n")
    assert page.startswith(f"/strategies/ 503 {RETRY_AFTER_SECONDS}\n"), (
        result.stdout + result.stderr
    )
    assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in page
    assert "Try again in 1 minute." in page
    # The council is not known before the database is: the product's name.
    assert f"– {PRODUCT}</title>" in page
    assert "Sign out" not in page
    assert health.strip() == f"/healthz 503 {RETRY_AFTER_SECONDS}\ndatabase unavailable"
    # With a session cookie the middleware looks up the person first: the page.
    assert health_with_cookie.startswith(f"/healthz 503 {RETRY_AFTER_SECONDS}\n")
    assert "Sorry, the service is unavailable" in health_with_cookie


def test_the_503_page_names_the_council_and_asks_nothing_of_the_database(
    django_db_blocker,
):
    request = RequestFactory().get("/strategies/")
    # The council the person works in, looked up before the database went.
    request.organisation = Organisation(name="Ashdown Borough Council")
    with django_db_blocker.unblock():
        try:
            unreachable_connection().ensure_connection()
        except OperationalError:
            # Django's handler runs inside the except; no query may be made
            # (the blocker refuses any, and the page would fall back to text).
            with django_db_blocker.block():
                response = server_error(request)
        else:
            pytest.fail("a closed port accepted a connection")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html
    assert "<title>Sorry, the service is unavailable – Ashdown Borough Council" in html
    assert "© Ashdown Borough Council" in html


@pytest.mark.django_db
def test_only_a_lost_database_is_an_outage_not_a_failing_query():
    with pytest.raises(OperationalError) as lost:
        unreachable_connection().ensure_connection()
    assert database_unavailable(lost.value)

    with pytest.raises(OperationalError) as cancelled, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")
    assert not database_unavailable(cancelled.value)
    assert not database_unavailable(ValueError("not the database"))
    assert not database_unavailable(None)


@pytest.mark.django_db
def test_any_other_error_still_gets_the_500_page(rf):
    request = rf.get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_503_page_names_the_council_of_the_session_from_an_earlier_page(
    cast, client_for, django_db_blocker
):
    """While the database is away the session cannot be read, so the council
    is not looked up; the one this session worked in, noted by the
    middleware on an earlier page, still brands the page."""
    from django.conf import settings

    client = client_for(cast.officer)
    assert client.get("/").status_code == 200
    request = RequestFactory().get("/strategies/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    stranger = RequestFactory().get("/strategies/")
    stranger.COOKIES[settings.SESSION_COOKIE_NAME] = "not-a-session-seen-here"
    with django_db_blocker.block():
        pages = [service_unavailable(request), service_unavailable(stranger)]
    ours, theirs = (page.content.decode() for page in pages)
    assert f"© {cast.council_a.name}" in ours
    assert cast.council_a.name not in theirs
    assert "© ICT strategy governance" in theirs


def test_a_council_remembered_by_one_server_process_brands_anothers_503(
    tmp_path, settings
):
    """Each gunicorn worker is a process of its own: the council one learnt
    for a session is noted in a file the others read."""
    from governance import errors

    settings.COUNCIL_MEMORY_DIR = str(tmp_path / "councils")
    request = RequestFactory().get("/strategies/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "b" * 32
    errors.remember_council(request, Organisation(name="Ashdown Borough Council"))
    # Another process: nothing remembered in memory.
    saved = errors._council_by_session.copy()
    errors._council_by_session.clear()
    try:
        html = service_unavailable(request).content.decode()
    finally:
        errors._council_by_session.update(saved)
    assert "<title>Sorry, the service is unavailable – Ashdown Borough Council" in html
    stranger = RequestFactory().get("/strategies/")
    stranger.COOKIES[settings.SESSION_COOKIE_NAME] = "c" * 32
    assert f"– {PRODUCT}</title>" in service_unavailable(stranger).content.decode()
    # An unwritable folder loses only the branding, never the page.
    settings.COUNCIL_MEMORY_DIR = "/proc/no-such-folder"
    errors.remember_council(stranger, Organisation(name="Brackley District Council"))
    assert service_unavailable(stranger).status_code == 503
