import dataclasses
import hashlib
import io
import os
import uuid
from collections import OrderedDict
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve

from governance.submissions import FIELD, CreateOnceMixin

from .base import build_business, build_cast, sign_in
from .paper_helpers import start_canary

# Playwright's sync API runs an event loop in the test thread; Django refuses
# database access from such a thread unless told it is safe (it is: the
# browser runs in another process).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _transactional(item):
    """Whether a test commits for real (a live server, threads racing):
    such a test cannot run inside a module's rolled-back transaction."""
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in item.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(scope="module")
def module_business(request, django_db_setup, django_db_blocker):
    """Council A's cast and business, built once for a test module inside a
    transaction rolled back after its last test, as `demo_for_module` does
    for the demo; each test runs in a savepoint within it and gets freshly
    read copies (`_fresh`), so what one test changes the next never sees.
    Building them took about half a second, for each of some 750 tests.

    In a module with a test that commits for real the transaction cannot be
    held open, and a test that asks for the cast alone expects no business:
    in such a module each test builds its own (None here)."""
    if any(
        _transactional(item)
        or ("cast" in item.fixturenames and "business" not in item.fixturenames)
        for item in request.session.items
        if item.module is request.module
    ):
        yield None
        return
    with django_db_blocker.unblock():
        with transaction.atomic():
            cast = build_cast()
            yield cast, build_business(cast)
            transaction.set_rollback(True)


def _fresh(built):
    """A copy of a built `Cast` or `Business` whose records are read again
    from the database: a test may change its own objects freely."""
    copy = dataclasses.replace(built)
    for field in dataclasses.fields(built):
        value = getattr(built, field.name)
        if isinstance(value, models.Model) and value.pk is not None:
            setattr(copy, field.name, type(value)._base_manager.get(pk=value.pk))
    for name, value in vars(built).items():
        # Attributes set after building (`Business.theme`, ...).
        if name not in copy.__dataclass_fields__ and isinstance(value, models.Model):
            setattr(copy, name, type(value)._base_manager.get(pk=value.pk))
    return copy


@pytest.fixture
def cast(request, db):
    """Council A with one person per role, and an officer of council B
    (shared with `business` when the test asks for that too)."""
    if "business" in request.fixturenames:
        shared = request.getfixturevalue("module_business")
        if shared is not None:
            return _fresh(shared[0])
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
def business(module_business, cast):
    """Council A's meetings, reports and decisions (one draft, one published),
    its strategies, workplan, review and more (see `build_business`)."""
    if module_business is not None:
        return _fresh(module_business[1])
    return build_business(cast)


def _creates_once(path):
    """Whether `path` is a create page (`CreateOnceMixin`)."""
    try:
        match = resolve(urlsplit(str(path)).path)
    except Resolver404:
        return False
    view = getattr(match.func, "view_class", None)
    return view is not None and issubclass(view, CreateOnceMixin)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (rendered documents, workplan
    summaries, the API's responses, kept filter forms and states, kept
    queries): keys
    name versions and rows, but a test database's rows are not unique
    across runs."""
    from django.core.cache import cache

    from governance import filter_panel, kept_queries
    from public import kept_pages as public_kept_pages
    from workplan import kept_rows

    cache.clear()
    filter_panel.forget()
    kept_queries.forget()
    kept_rows.forget()
    public_kept_pages.forget()


#: PDFs already laid out in this test process, by their HTML (see below).
_RENDERED = OrderedDict()


@pytest.fixture(autouse=True)
def papers_laid_out_once(request, monkeypatch):
    """WeasyPrint lays out the same HTML into the same PDF, so a test process
    lays out each paper's HTML once: the access matrix asks for one paper as
    each role, and many tests build the same records. Every paper is still a
    real WeasyPrint PDF of exactly the HTML asked for, through our fetcher
    (hostile HTML is unique to its test, so its first layout is the one that
    could fetch). Fault tests (a worker killed mid-render) lay out for real."""
    if request.node.get_closest_marker("faults"):
        return
    from governance import paper_store, papers

    real = papers.render_pdf_and_count_pages

    def laid_out_once(html):
        key = hashlib.sha256(html.encode()).digest()
        if key in _RENDERED:
            _RENDERED.move_to_end(key)
            return _RENDERED[key]
        _RENDERED[key] = result = real(html)
        if len(_RENDERED) > 200:
            _RENDERED.popitem(last=False)
        return result

    monkeypatch.setattr(papers, "render_pdf_and_count_pages", laid_out_once)
    monkeypatch.setattr(paper_store, "render_pdf_and_count_pages", laid_out_once)


@pytest.fixture(autouse=True)
def create_forms_carry_their_token(request, monkeypatch):
    """A test posting a create form sends a one-time submission token, as
    the page it would be sent from carries one (a create page refuses a
    form without it: `governance/submissions.py`). A test that posts its own
    token is left alone; one marked `without_submission_token` sends none."""
    if request.node.get_closest_marker("without_submission_token"):
        return
    original = Client.post

    def post(self, path, data=None, *args, **kwargs):
        if isinstance(data, dict) and FIELD not in data and _creates_once(path):
            data = {**data, FIELD: str(uuid.uuid4())}
        return original(self, path, data, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


@pytest.fixture
def canary():
    """A loopback server that records every request made to it (see
    `tests/paper_helpers.Canary`): its base URL."""
    base, server = start_canary()
    yield base
    server.shutdown()
    server.server_close()


def pytest_configure(config):
    """`TEST_FETCH_MODE=raise` (or `peers`): every lazy fetch of a related
    object or deferred field in the run raises (see tests/fetch_modes.py).
    Off by default: the page crawl (tests/access/test_flat_queries.py)
    turns it on around its requests."""
    mode = os.environ.get("TEST_FETCH_MODE")
    if mode:
        from .fetch_modes import MODES, set_default

        set_default(MODES[mode])


def pytest_collection_modifyitems(items):
    """Start the slow tests (real servers under load) first, beside the many
    quick ones, rather than last, when one worker would run them alone."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("slow") is None
            and item.get_closest_marker("faults") is None
        )
    )


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
