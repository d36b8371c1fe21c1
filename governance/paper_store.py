"""Papers kept once rendered, and papers rendered in the background.

A paper of an approved or published version never changes, so it is
rendered once, stored (`StoredPaper`) and served with an ETag; it is
rendered again only when its *version key* changes — the record's own
version plus the history of everything the paper prints — or when any paper
template or the paper stylesheet changes (`template_digest()`).

Large papers (agenda packs, and any paper `PaperKind.in_background` judges
too large to render within a couple of seconds) are rendered by a
background worker (`manage.py paper_worker`, django-tasks-db): the request
records a `PaperJob`, enqueues `governance.tasks.render_paper_job` and sends
the person to a page that shows the job's progress and offers the download
when it is ready. At most one job is in flight per paper version (a unique
constraint), and at most one request renders a paper inline at a time (a
PostgreSQL advisory lock): a herd of requests for a cold paper makes one
render. Drafts are stored per version like final papers (marked DRAFT; the
version key says which), so a draft renders once per change.

A job beats while it renders (`heartbeat_at`); a job whose worker stopped
beating for `PAPER_JOB_STALE_SECONDS` is queued again (`recover`), at most
`PAPER_JOB_MAX_ATTEMPTS` times in all, then failed.

A *kept* paper (`PaperKind.kept`: the papers as a committee considered
them, `decisions/considered.py`) is different: its HTML was kept when it was
sent, its PDF is rendered from that HTML once (by the worker or on the first
download) and then served byte for byte the same for ever — never rendered
again, whatever changes, templates included.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, Q
from django.http import HttpResponseNotModified
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .downloads import keep_private
from .papers import paper_html, paper_response, render_pdf_and_count_pages

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaperKind:
    """One kind of paper: how to title, build, judge and name it.

    `parts(record)` returns the paper's `Part`s; `is_final(record)` says
    whether the record is approved/published (kept, no DRAFT mark);
    `version(record)` is a short string that changes whenever anything the
    paper prints changes (see `history_marks`). A paper of record prints only
    what everyone who may read it (members too) may read; `working_copy`
    gives the record's own people what they may read beyond that.
    """

    slug: str
    #: The model whose records have this paper.
    model: type
    title: object
    parts: object
    is_final: object
    version: object
    filename: object
    #: record -> the paper's download URL.
    url: object
    #: Render in the background worker (agenda packs): True, or a callable
    #: record -> bool (true when the paper would take more than a couple of
    #: seconds: a large workplan's appendix, a report presenting it).
    background: object = False
    #: The officers' working copy of this paper: a `PaperKind` of its own
    #: printing more than the paper of record (e.g. a workplan's items
    #: awaiting approval), never final (marked DRAFT), stored per version
    #: and rendered by the worker when large, like any paper; and
    #: `working_for(record, user)`, whether `user` gets it instead.
    working_copy: object = None
    working_for: object = None
    #: Of a working copy: the slug of the paper of record it is a copy of
    #: (whose view serves it; only those who get it may see its jobs).
    copy_of: str = ""
    #: The record keeps its paper's HTML (`record.html`) and, once rendered,
    #: its PDF (`record.pdf`, `etag`, `rendered_at`; `keep_rendering(pdf,
    #: pages)`): rendered once from that HTML, never again.
    kept: bool = False
    #: record -> bool: whether `prepare_papers` renders this paper ahead for
    #: a final record (None: for every one). The public's versions of a
    #: decision record and a report are served only while something in
    #: them is withheld, so they are prepared only then.
    prepared_for: object = None

    def in_background(self, record):
        if callable(self.background):
            return self.background(record)
        return self.background


_KINDS = {}


def register(kind):
    _KINDS[kind.slug] = kind
    return kind


def kind_named(slug):
    return _KINDS[slug]


def all_kinds():
    return list(_KINDS.values())


@cache
def template_digest():
    """A digest of every paper template and the paper stylesheet: a stored
    paper rendered from older templates is rendered again."""
    digest = hashlib.sha256()
    roots = [Path(folder) / "papers" for folder in settings.TEMPLATES[0]["DIRS"]]
    files = sorted(path for root in roots for path in root.rglob("*.html"))
    files += [
        Path(folder) / "css" / "paper.css" for folder in settings.STATICFILES_DIRS
    ]
    for path in files:
        if path.is_file():
            digest.update(str(path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def history_marks(*querysets):
    """The newest history id of each queryset of historical rows: a cheap
    version mark for records whose children are edited separately (a
    deletion leaves a history row too, so it moves the mark)."""
    marks = []
    for queryset in querysets:
        marks.append(str(queryset.aggregate(mark=Max("history_id"))["mark"] or 0))
    return ".".join(marks)


def names_mark(*user_ids):
    """A digest of the names of the people whose user ids `user_ids` give
    (querysets of ids, or lists): people have no history, so a paper that
    prints a person's name watches the name itself. One query."""
    from django.contrib.auth import get_user_model

    wanted = Q(pk__in=[])
    for ids in user_ids:
        wanted |= Q(pk__in=ids)
    rows = (
        get_user_model()
        .objects.filter(wanted)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "username")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:12]


def organisation_mark(organisation_id):
    """What every paper prints of its council (its name, in the caption and
    the PDF's author): the council's version, which moves at every save of
    its settings."""
    from .models import Organisation

    version = (
        Organisation.objects.filter(pk=organisation_id)
        .values_list("version", flat=True)
        .first()
    )
    return f"o{organisation_id}.{version or 0}"


def approval_mark(record):
    """What a paper prints of a record's approval: its approving decision
    (title, date, meeting) and that decision's status *now* — "Approved,
    subject to call-in" becomes "Approved" when the call-in period ends,
    with no write to the database — and whether it was called in."""
    from decisions.models import Committee

    decision = record.approving_decision
    if decision is None:
        return "a0"
    return ".".join(
        [
            f"a{decision.pk}",
            str(decision.version),
            decision.current_status().value,
            history_marks(Committee.history.filter(id=decision.meeting.committee_id)),
        ]
    )


class PaperOfRecord(models.Model):
    """What a stored paper and a paper job share: which paper of which
    record, at which version."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    version_key = models.CharField(max_length=200)

    class Meta:
        abstract = True

    @staticmethod
    def naming(kind, record):
        """The fields that name `kind`'s paper of `record`."""
        return {
            "kind": kind.slug,
            "content_type": ContentType.objects.get_for_model(record),
            "object_id": record.pk,
        }

    @classmethod
    def of(cls, kind, record):
        """The rows for `kind`'s paper of `record`."""
        return cls.objects.filter(**cls.naming(kind, record))


class StoredPaper(PaperOfRecord):
    """The rendered PDF of one paper of one record, at one version key.
    Only the latest rendering of each paper is kept."""

    etag = models.CharField(max_length=64)
    pdf = models.BinaryField()
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id"],
                name="stored_paper_one_per_record",
            ),
        ]

    def __str__(self):
        return f"{self.kind} of {self.content_type} {self.object_id}"


class PaperJob(PaperOfRecord):
    """A paper being rendered by the background worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=400)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    #: What the worker is doing now, for the progress page.
    stage = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    #: How many times the job has been handed to a worker (1 when first
    #: queued; one more each time it is queued again after its worker stopped).
    attempts = models.PositiveSmallIntegerField(default=1)
    #: When the job last showed signs of life: queued, started, each stage,
    #: and every PAPER_JOB_HEARTBEAT_SECONDS while rendering.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: The worker's task (django_tasks_db's DBTaskResult) of the latest attempt.
    task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["kind", "content_type", "object_id"])]
        constraints = [
            # One job in flight per paper version: concurrent requests share it.
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "version_key"],
                condition=Q(status__in=["queued", "rendering"]),
                name="paper_job_one_in_flight",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("governance:paper_job", args=[self.pk])

    @property
    def retrying(self):
        """Queued again after a worker stopped while rendering it."""
        return self.status == self.Status.QUEUED and self.attempts > 1

    @property
    def status_label(self):
        if self.retrying:
            return _("Waiting for the worker to try again")
        return self.get_status_display()

    @property
    def max_attempts(self):
        return settings.PAPER_JOB_MAX_ATTEMPTS

    @property
    def finished(self):
        return self.status in (self.Status.READY, self.Status.FAILED)


#: The version key of every kept paper: it has one version only.
KEPT = "kept"


def version_key(kind, record):
    """The paper's version: changes with anything it prints, including
    whether it is marked DRAFT, and with the paper templates."""
    if kind.kept:
        return KEPT
    state = "final" if kind.is_final(record) else "draft"
    version = f"{kind.version(record)}:{organisation_mark(record.organisation_id)}"
    if len(version) > 120:
        # A long key (an agenda pack of many reports) fits its column digested.
        version = hashlib.sha256(version.encode()).hexdigest()[:40]
    return f"{state}:{version}:{template_digest()}"


def etag_for(kind, record, key):
    content_type = ContentType.objects.get_for_model(record)
    raw = f"{kind.slug}:{content_type.pk}:{record.pk}:{key}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def stored(kind, record, key):
    """The stored rendering of `record`'s paper at `key`, or None."""
    if kind.kept:
        return record if record.rendered_at is not None else None
    return StoredPaper.of(kind, record).filter(version_key=key).first()


def render(kind, record, *, on_stage=None):
    """(pdf, pages) of `record`'s paper, rendered now."""
    if kind.kept:
        if on_stage:
            on_stage(_("Laying out the pages"))
        return render_pdf_and_count_pages(record.html)
    if on_stage:
        on_stage(_("Collecting the papers"))
    parts = kind.parts(record)
    html = paper_html(
        kind.title(record),
        record.organisation,
        parts,
        draft=not kind.is_final(record),
    )
    if on_stage:
        on_stage(_("Laying out the pages"))
    return render_pdf_and_count_pages(html)


def store(kind, record, key, pdf, pages):
    if kind.kept:
        return record.keep_rendering(pdf, pages)
    paper, _created = StoredPaper.objects.update_or_create(
        **StoredPaper.naming(kind, record),
        defaults={
            "organisation_id": record.organisation_id,
            "version_key": key,
            "etag": etag_for(kind, record, key),
            "pdf": pdf,
            "size": len(pdf),
            "pages": pages,
        },
    )
    return paper


def start_job(kind, record, key, user):
    """The job rendering `record`'s paper at `key`: the one already queued
    or running for that version (queued again first if its worker has
    stopped), or a new one handed to the worker. Concurrent calls share one
    job (`paper_job_one_in_flight`)."""
    for _attempt in range(3):
        job = in_flight(kind, record, key)
        if job is not None:
            return recover(job) or job
        try:
            # The job and its task in one transaction: the worker sees both
            # or neither.
            with transaction.atomic():
                job = PaperJob.objects.create(
                    **PaperJob.naming(kind, record),
                    organisation_id=record.organisation_id,
                    version_key=key,
                    title=kind.title(record),
                    requested_by=user
                    if user is not None and user.is_authenticated
                    else None,
                    heartbeat_at=timezone.now(),
                )
                _enqueue(job)
            return job
        except IntegrityError:
            continue  # another request queued it first: share theirs
    raise RuntimeError("Could not queue the paper job")  # pragma: no cover


def in_flight(kind, record, key):
    return (
        PaperJob.of(kind, record)
        .filter(
            version_key=key,
            status__in=[PaperJob.Status.QUEUED, PaperJob.Status.RENDERING],
        )
        .first()
    )


def _enqueue(job):
    from .tasks import render_paper_job

    result = render_paper_job.enqueue(str(job.pk))
    if _uses_task_table():
        PaperJob.objects.filter(pk=job.pk).update(task_id=result.id)


def _uses_task_table():
    from django.tasks import task_backends

    return task_backends["default"].__class__.__module__.startswith("django_tasks_db")


def stale_before():
    return timezone.now() - timedelta(seconds=settings.PAPER_JOB_STALE_SECONDS)


def abandoned_jobs():
    """Jobs whose worker has stopped: rendering, or taken from the queue,
    with no sign of life for PAPER_JOB_STALE_SECONDS. A job still waiting in
    the queue (its task not yet taken by a worker) is not abandoned."""
    quiet = Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True)
    rendering = Q(status=PaperJob.Status.RENDERING)
    queued = Q(status=PaperJob.Status.QUEUED)
    if _uses_task_table():
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.ready().values("id")
        queued &= ~Q(task_id__in=waiting)
    else:
        queued = Q(pk__in=[])
    return PaperJob.objects.filter(quiet & (rendering | queued))


def recover(job):
    """If `job`'s worker has stopped, queue it again (or fail it after
    PAPER_JOB_MAX_ATTEMPTS) and return it as it now is; else None. Safe to
    call from several places at once: the job row is locked."""
    if job.finished or (job.heartbeat_at and job.heartbeat_at >= stale_before()):
        return None
    with transaction.atomic():
        job = (
            abandoned_jobs()
            .select_for_update(skip_locked=True)
            .filter(pk=job.pk)
            .first()
        )
        if job is None:
            return None
        abandoned_task = job.task_id
        now = timezone.now()
        if job.attempts >= settings.PAPER_JOB_MAX_ATTEMPTS:
            logger.warning(
                "Paper job %s failed: its worker stopped %s times", job.pk, job.attempts
            )
            job.status, job.finished_at, job.stage = PaperJob.Status.FAILED, now, ""
            job.error = "WorkerStopped"
            job.save(update_fields=["status", "finished_at", "stage", "error"])
        else:
            logger.warning("Paper job %s: its worker stopped; queued again", job.pk)
            job.status, job.heartbeat_at = PaperJob.Status.QUEUED, now
            job.attempts += 1
            job.stage = str(_("The worker stopped while preparing it"))
            job.save(update_fields=["status", "heartbeat_at", "attempts", "stage"])
            _enqueue(job)
        if abandoned_task is not None:
            _give_up_task(abandoned_task, now)
    job.refresh_from_db()
    return job


def _give_up_task(task_id, now):
    """Mark the abandoned attempt's task failed, so the task table does not
    show it running for ever."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id).running().update(
        status="FAILED", finished_at=now, exception_class_path="WorkerStopped"
    )


def recover_abandoned_jobs():
    """Queue again every job whose worker stopped (run by the worker)."""
    recovered = [recover(job) for job in abandoned_jobs()]
    return [job for job in recovered if job is not None]


def _lock_id(kind, record, key):
    """A signed 64-bit number naming one version of one paper, for
    pg_advisory_xact_lock."""
    digest = hashlib.sha256(etag_for(kind, record, key).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def render_and_store(kind, record, key):
    """The stored paper at `key`, rendered now unless it already is. At most
    one request renders a given version at a time (an advisory lock held
    for the transaction); the others wait for it and serve what it stored."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [_lock_id(kind, record, key)]
            )
        paper = stored(kind, record, key)
        if paper is None:
            pdf, pages = render(kind, record)
            paper = store(kind, record, key, pdf, pages)
    return paper


def serve_paper(request, kind, record):
    """The response for a paper of a record the person may read.

    Every paper of record comes from the store, drafts included (304 when
    the browser's copy is current); a missing background paper starts (or
    joins) a job and sends the person to its progress page; another missing
    paper renders now, once however many ask at the same time. Someone who
    gets the officers' working copy (`PaperKind.working_for`) is served it
    the same way, from its own store.
    """
    if kind.kept:
        return serve_kept(request, kind, record)
    if kind.working_copy and kind.working_for(record, request.user):
        kind = kind.working_copy
    filename = kind.filename(record)
    key = version_key(kind, record)
    etag = etag_for(kind, record, key)
    if etag in _if_none_match(request):
        response = HttpResponseNotModified()
        response["ETag"] = f'"{etag}"'
        return keep_private(response)
    paper = stored(kind, record, key)
    if paper is None and kind.in_background(record):
        return redirect(start_job(kind, record, key, request.user))
    if paper is None:
        paper = render_and_store(kind, record, key)
    response = paper_response(bytes(paper.pdf), filename)
    response["ETag"] = f'"{paper.etag}"'
    return response


def serve_kept(request, kind, record):
    """A kept paper: its PDF, rendered from its kept HTML the first time it
    is asked for (a background paper by the worker) and the same bytes, with
    the same ETag, every time after."""
    if record.etag and record.etag in _if_none_match(request):
        response = HttpResponseNotModified()
        response["ETag"] = f'"{record.etag}"'
        return keep_private(response)
    if record.rendered_at is None:
        if kind.in_background(record):
            return redirect(start_job(kind, record, KEPT, request.user))
        pdf, pages = render(kind, record)
        record = record.keep_rendering(pdf, pages)
    response = paper_response(bytes(record.pdf), kind.filename(record))
    response["ETag"] = f'"{record.etag}"'
    return response


def _if_none_match(request):
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
