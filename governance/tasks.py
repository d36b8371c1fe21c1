"""Background work: papers too large to render during a request.

Run by `manage.py db_worker` (django-tasks-db); in tests the immediate
backend runs a task as soon as it is enqueued.
"""

import logging

from django.tasks import task
from django.utils import timezone

from . import paper_store
from .paper_store import PaperJob

logger = logging.getLogger(__name__)


@task()
def render_paper_job(job_id):
    """Render the paper a `PaperJob` asks for and store it."""
    job = PaperJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    job.status, job.started_at = PaperJob.Status.RENDERING, timezone.now()
    job.save(update_fields=["status", "started_at"])

    def on_stage(stage):
        job.stage = str(stage)
        job.save(update_fields=["stage"])

    try:
        kind = paper_store.kind_named(job.kind)
        record = kind.model._default_manager.get(pk=job.object_id)
        key = paper_store.version_key(kind, record)
        pdf, pages = paper_store.render(kind, record, on_stage=on_stage)
        on_stage("Saving the paper")
        paper_store.store(kind, record, key, pdf, pages)
    except Exception as error:  # noqa: BLE001 - any failure is shown on the job page
        logger.exception("Paper job %s failed", job.pk)
        job.status, job.error = PaperJob.Status.FAILED, type(error).__name__
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return
    job.status, job.stage, job.finished_at = PaperJob.Status.READY, "", timezone.now()
    job.pages, job.size, job.version_key = pages, len(pdf), key
    job.save(
        update_fields=["status", "stage", "finished_at", "pages", "size", "version_key"]
    )
