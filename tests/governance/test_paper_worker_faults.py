"""The paper worker under faults: killed mid-job and restarted, and a herd
of members asking for the same cold paper at once. Real processes and
threads against the real database: `make test-faults`."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from governance import paper_store
from governance.models import PaperJob, StoredPaper
from tests.base import build_business, race, sign_in
from tests.test_connection_pool import static_root  # noqa: F401 - a fixture

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url():
    """The URL of the test database, for a worker in another process: the
    suite's database URL with the test database's name."""
    from urllib.parse import urlsplit, urlunsplit

    from config.settings.env import local_database_url

    url = urlsplit(os.environ.get("DATABASE_URL") or local_database_url())
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def start_worker():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url(),
        "PAPER_JOB_STALE_SECONDS": "3",
        "PAPER_JOB_HEARTBEAT_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "paper_worker", "--no-startup-delay", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(job, statuses, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job still {job.status} after {timeout} s")


def signed_in(user):
    client = Client()
    sign_in(client, user)
    return client


def test_a_worker_killed_mid_job_is_replaced_and_the_job_completes(cast):
    business = build_business(cast)
    client = signed_in(cast.clerk)
    url = reverse("decisions:meeting_pack", args=[business.meeting.pk])
    with override_settings(TASKS=DATABASE_TASKS, PAPER_JOB_STALE_SECONDS=3):
        response = client.get(url)
        job = PaperJob.objects.get(pk=response.url.split("/")[-2])
        worker = start_worker()
        try:
            wait_for(job, {PaperJob.Status.RENDERING}, timeout=60)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        job.refresh_from_db()
        assert job.status == PaperJob.Status.RENDERING  # abandoned mid-job
        # Left alone it stops beating; the page then tells the truth, and a
        # restarted worker takes it up again.
        time.sleep(3.5)
        page = client.get(job.get_absolute_url())
        assert b"The paper worker stopped while preparing this paper" in page.content
        worker = start_worker()
        try:
            wait_for(job, {PaperJob.Status.READY, PaperJob.Status.FAILED}, timeout=90)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        assert job.status == PaperJob.Status.READY and job.attempts == 2
        assert client.get(url).status_code == 200


def test_a_job_whose_worker_keeps_stopping_fails_with_try_again(cast):
    business = build_business(cast)
    client = signed_in(cast.clerk)
    url = reverse("decisions:meeting_pack", args=[business.meeting.pk])
    with override_settings(
        TASKS=DATABASE_TASKS, PAPER_JOB_STALE_SECONDS=1, PAPER_JOB_MAX_ATTEMPTS=2
    ):
        job = PaperJob.objects.get(pk=client.get(url).url.split("/")[-2])
        for _attempt in range(2):
            # A worker takes it and dies without a word.
            PaperJob.objects.filter(pk=job.pk).update(status="rendering")
            time.sleep(1.2)
            page = client.get(job.get_absolute_url())
        job.refresh_from_db()
        assert job.status == PaperJob.Status.FAILED and job.error == "WorkerStopped"
        assert b"Try again" in page.content
        again = client.post(job.get_absolute_url())
        new = PaperJob.objects.get(pk=again.url.split("/")[-2])
        assert new.pk != job.pk and new.status == PaperJob.Status.QUEUED


def herd(clients, url):
    def ask(client):
        def action(barrier):
            barrier.wait()
            return client.get(url)

        return action

    return race(*(ask(client) for client in clients))


def test_a_herd_on_a_cold_background_paper_shares_one_job(cast):
    business = build_business(cast)
    clients = [signed_in(cast.member) for _ in range(20)]
    url = reverse("decisions:meeting_pack", args=[business.meeting.pk])
    with override_settings(TASKS=DATABASE_TASKS):
        started = time.monotonic()
        responses = herd(clients, url)
        took = time.monotonic() - started
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert {r.status_code for r in responses} == {302}
    assert len({r.url for r in responses}) == 1
    in_flight = PaperJob.objects.filter(
        kind="agenda-pack", object_id=business.meeting.pk, status="queued"
    )
    assert in_flight.count() == 1
    assert took < 15


def test_a_herd_on_a_cold_inline_paper_renders_it_once(cast, monkeypatch):
    business = build_business(cast)
    clients = [signed_in(cast.member) for _ in range(20)]
    url = reverse("decisions:decision_paper", args=[business.published_decision.pk])
    renders = []
    real_render = paper_store.render

    def counted(kind, record, **kwargs):
        renders.append(kind.slug)
        return real_render(kind, record, **kwargs)

    monkeypatch.setattr(paper_store, "render", counted)
    responses = herd(clients, url)
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert {r.status_code for r in responses} == {200}
    assert renders == ["decision-record"]
    assert len({r["ETag"] for r in responses}) == 1
    assert StoredPaper.objects.filter(kind="decision-record").count() == 1


#: How long the database is away in the outage test (the issue's 30 s).
OUTAGE_SECONDS = 30


def add_a_large_report(business, cast, items=150):
    """A report presenting the progress report of a workplan of `items`
    items, on the meeting's agenda: its pack takes several seconds to lay
    out, so the outage demonstrably lands mid-render."""
    from decisions.report_subjects import present
    from tests.base import make_report, put_on_agenda
    from tests.workplan.paper_data import build_reviewed_workplan

    data = build_reviewed_workplan(
        cast.council_a, items, user=cast.clerk, close_review=True
    )
    report = make_report(cast.council_a, "Progress of the workplan")
    present(report, data.review, user=cast.clerk, reason="Test set-up")
    put_on_agenda(business.meeting, report, position=2)


def test_the_worker_and_the_site_ride_out_a_database_outage_mid_render(
    cast,
    tmp_path,
    static_root,  # noqa: F811 - the fixture imported below
):
    """The database goes away for 30 s while the worker is laying out an
    agenda pack: both the worker and a production web server reach it
    through a relay that is cut (open connections dropped, new ones
    refused) and then restored on the same port, as a stopped and
    restarted PostgreSQL looks to them (the suite's server is shared, so it
    is not itself stopped). The worker process keeps running, reconnects,
    and the job ends ready, on its first attempt or a second, with one job
    and one stored pack; meanwhile the site answers 503 with Retry-After,
    and 200 again once the database is back."""
    from tests.test_connection_pool import (
        DatabaseLink,
        database_upstream,
        get,
        production_server,
        session_cookie,
    )
    from tests.test_connection_pool import database_url as url_through

    business = build_business(cast)
    add_a_large_report(business, cast)
    client = signed_in(cast.clerk)
    url = reverse("decisions:meeting_pack", args=[business.meeting.pk])
    link = DatabaseLink(database_upstream())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": url_through(
            application_name="worker-outage", through=link.port
        ),
        "PAPER_JOB_STALE_SECONDS": "3",
        "PAPER_JOB_HEARTBEAT_SECONDS": "1",
    }
    cookie = session_cookie(cast.officer)  # a clerk would be asked for a code
    site = production_server(
        tmp_path,
        static_root,
        workers=1,
        database=url_through(application_name="site-outage", through=link.port),
        DATABASE_POOL_TIMEOUT=2,
    )
    with override_settings(TASKS=DATABASE_TASKS, PAPER_JOB_STALE_SECONDS=3):
        job = PaperJob.objects.get(pk=client.get(url).url.split("/")[-2])
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "paper_worker", "--no-startup-delay", "-v0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert get(site.port, "/", cookie).status == 200
            # Mid-render: the worker has said it is laying out the pages.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.stage == "Laying out the pages" or job.finished:
                    break
                time.sleep(0.05)
            assert job.status == PaperJob.Status.RENDERING, job.status
            assert job.stage == "Laying out the pages", job.stage
            link.down()
            down_at = time.monotonic()
            # Read on the test's own connection, not through the relay: it
            # was still rendering when the database went.
            job.refresh_from_db()
            assert job.status == PaperJob.Status.RENDERING and not job.finished_at
            while_down = []
            while time.monotonic() < down_at + OUTAGE_SECONDS:
                for path, with_cookie in (("/healthz", None), ("/", cookie)):
                    response = get(site.port, path, with_cookie)
                    while_down.append(
                        (path, response.status, response.getheader("Retry-After"))
                    )
                assert worker.poll() is None, "the worker died with the database"
                time.sleep(2)
            link.up()
            wait_for(job, {PaperJob.Status.READY, PaperJob.Status.FAILED}, timeout=180)
            assert worker.poll() is None
            time.sleep(1)
            once_back = [get(site.port, path, cookie).status for path in ("/", url)]
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            site.stop()
            link.down()
    assert len(while_down) >= 10, while_down
    assert {status for _path, status, _retry in while_down} == {503}, while_down
    assert {retry for _path, _status, retry in while_down} == {"30"}, while_down
    assert once_back == [200, 200], (once_back, site.log_tail())
    assert job.status == PaperJob.Status.READY, (job.status, job.error)
    assert job.attempts <= 2
    # No duplicate: one job for the pack, one stored pack.
    pack = paper_store.kind_named("agenda-pack")
    jobs = PaperJob.of(pack, business.meeting).filter(version_key=job.version_key)
    assert jobs.count() == 1
    assert StoredPaper.of(pack, business.meeting).count() == 1
    assert client.get(url).status_code == 200
