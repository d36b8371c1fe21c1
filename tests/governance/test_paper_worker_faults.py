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


def test_the_worker_rides_out_a_database_outage_mid_job(cast):
    """The database goes away for ten seconds while the worker renders an
    agenda pack (its connection through a relay that is cut, then restored
    on the same port): the worker process keeps running, reconnects, and
    the job is completed, on its first attempt or a second one."""
    from tests.test_connection_pool import (
        DatabaseLink,
        database_upstream,
    )
    from tests.test_connection_pool import database_url as url_through

    business = build_business(cast)
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
            wait_for(job, {PaperJob.Status.RENDERING}, timeout=60)
            link.down()
            time.sleep(10)
            assert worker.poll() is None, "the worker died with the database"
            # Meanwhile the page (on its own connection) tells the truth.
            assert client.get(job.get_absolute_url()).status_code == 200
            link.up()
            wait_for(job, {PaperJob.Status.READY, PaperJob.Status.FAILED}, timeout=120)
            assert worker.poll() is None
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            link.down()
    assert job.status == PaperJob.Status.READY, (job.status, job.error)
    assert job.attempts <= 2
    assert client.get(url).status_code == 200
