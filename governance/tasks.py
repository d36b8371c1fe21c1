"""Background work: papers too large to render during a request, and the
word diffs a history page had no time to work out (`keep_word_diffs`).

Run by `manage.py paper_worker` (django-tasks-db's worker, supervised: see
`governance/management/commands/paper_worker.py`); in tests the immediate
backend runs a task as soon as it is enqueued.

A job belongs to one attempt at a time (`PaperJob.attempts`): every write
the task makes is conditional on the job still being at the attempt it
started, so an attempt that was given up for dead (its worker stopped
beating, `paper_store.recover`) and comes back to life changes nothing.
"""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.tasks import task
from django.utils import timezone

from . import paper_store
from .paper_store import PaperJob

logger = logging.getLogger(__name__)


class Superseded(Exception):
    """The job was queued again (or finished) by someone else."""


class Heartbeat:
    """Beats for a job (`heartbeat_at`) every PAPER_JOB_HEARTBEAT_SECONDS
    from a thread of its own while the job renders, so a long layout is not
    taken for a stopped worker. A failed beat (the database away) is logged
    and tried again at the next one."""

    def __init__(self, job_rows):
        self.job_rows = job_rows
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, daemon=True)

    def beat(self):
        try:
            while not self.stopped.wait(settings.PAPER_JOB_HEARTBEAT_SECONDS):
                try:
                    self.job_rows.update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("Paper job heartbeat failed", exc_info=True)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=30)


@task()
def render_paper_job(job_id):
    """Render the paper a `PaperJob` asks for and store it."""
    job = PaperJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    # This attempt's hold on the job: every write goes through it.
    mine = PaperJob.objects.filter(
        pk=job.pk,
        attempts=job.attempts,
        status__in=[PaperJob.Status.QUEUED, PaperJob.Status.RENDERING],
    )
    now = timezone.now()
    if not mine.update(
        status=PaperJob.Status.RENDERING, started_at=now, heartbeat_at=now
    ):
        return

    def on_stage(stage):
        if not mine.update(stage=str(stage), heartbeat_at=timezone.now()):
            raise Superseded

    try:
        with Heartbeat(mine):
            kind = paper_store.kind_named(job.kind)
            record = kind.model._default_manager.get(pk=job.object_id)
            key = paper_store.version_key(kind, record)
            pdf, pages = paper_store.render(kind, record, on_stage=on_stage)
            on_stage("Saving the paper")
            paper_store.store(kind, record, key, pdf, pages)
    except Superseded:
        return
    except DatabaseError:
        # The database went away: the job is left as it is, stops beating,
        # and is queued again (`paper_store.recover`) once it is back.
        logger.exception("Paper job %s lost the database", job.pk)
        raise
    except Exception as error:  # noqa: BLE001 - any failure is shown on the job page
        logger.exception("Paper job %s failed", job.pk)
        mine.update(
            status=PaperJob.Status.FAILED,
            error=type(error).__name__,
            finished_at=timezone.now(),
        )
        return
    mine.update(
        status=PaperJob.Status.READY,
        stage="",
        finished_at=timezone.now(),
        pages=pages,
        size=len(pdf),
        version_key=key,
    )


@task()
def keep_word_diffs(sources):
    """Work out and keep the word diffs a history page queued
    (`history.history_entries`): `sources` as `history.Change.source`."""
    from .history import keep_diffs_of

    keep_diffs_of([tuple(source) for source in sources])
