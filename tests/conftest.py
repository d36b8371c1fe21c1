import io
import os

import pytest
from django.core.management import call_command
from django.db import transaction

from .base import build_business, build_cast, sign_in
from .paper_helpers import start_canary

# Playwright's sync API runs an event loop in the test thread; Django refuses
# database access from such a thread unless told it is safe (it is: the
# browser runs in another process).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def cast(db):
    """Council A with one person per role, and an officer of council B."""
    return build_cast()


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client signed in as `user`, second factor
    passed (None: anonymous)."""

    def signed_in(user):
        client.logout()
        if user is not None:
            sign_in(client, user)
        return client

    return signed_in


@pytest.fixture
def business(cast):
    """Council A's meetings, reports and decisions (one draft, one published)."""
    return build_business(cast)


@pytest.fixture
def canary():
    """A loopback server that records every request made to it (see
    `tests/paper_helpers.Canary`): its base URL."""
    base, server = start_canary()
    yield base
    server.shutdown()
    server.server_close()


def pytest_collection_modifyitems(items):
    """Start the slow tests (real servers under load) first, beside the many
    quick ones, rather than last, when one worker would run them alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="module")
def demo_for_module(django_db_setup, django_db_blocker):
    """The demo, loaded once for a test module, inside a transaction rolled
    back after the module's last test. Each test runs in its own savepoint
    within it (pytest-django's `db`), so what one test changes the next
    never sees."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", password="x", force=True, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_for_module, db):
    """The demo councils, people and records (see `demo_for_module`)."""
