"""Papers kept once rendered, and papers rendered in the background.

A paper of an approved or published version never changes, so it is
rendered once, stored (`StoredPaper`) and served with an ETag; it is
rendered again only when its *version key* changes — the record's own
version plus the history of everything the paper prints — or when any paper
template or the paper stylesheet changes (`template_digest()`).

Large papers (agenda packs) are rendered by a background worker
(`manage.py db_worker`, django-tasks-db): the request records a `PaperJob`,
enqueues `governance.tasks.render_paper_job` and sends the person to a page
that shows the job's progress and offers the download when it is ready.
Other drafts render on request and are not kept.

A *kept* paper (`PaperKind.kept`: the papers as a committee considered
them, `decisions/considered.py`) is different: its HTML was kept when it was
sent, its PDF is rendered from that HTML once (by the worker or on the first
download) and then served byte for byte the same for ever — never rendered
again, whatever changes, templates included.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Max
from django.http import HttpResponseNotModified
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .downloads import keep_private
from .papers import paper_html, paper_response, render_pdf_and_count_pages


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
    #: record -> bool.
    background: object = False
    #: (record, user) -> the `Part`s of the paper as `user` may read it, when
    #: that is more than the paper of record prints (e.g. a workplan's items
    #: awaiting approval, for its officers), else None. A working copy is
    #: rendered on request, marked DRAFT, and never stored.
    working_copy: object = None
    #: The record keeps its paper's HTML (`record.html`) and, once rendered,
    #: its PDF (`record.pdf`, `etag`, `rendered_at`; `keep_rendering(pdf,
    #: pages)`): rendered once from that HTML, never again.
    kept: bool = False

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

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["kind", "content_type", "object_id"])]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("governance:paper_job", args=[self.pk])

    @property
    def finished(self):
        return self.status in (self.Status.READY, self.Status.FAILED)


#: The version key of every kept paper: it has one version only.
KEPT = "kept"


def version_key(kind, record):
    if kind.kept:
        return KEPT
    return f"{kind.version(record)}:{template_digest()}"


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


#: How long a queued or running job is waited for before another is started.
JOB_GIVEN_UP_AFTER = timedelta(minutes=15)


def start_job(kind, record, key, user):
    """The job rendering `record`'s paper at `key`: the one already queued
    or running for that version, or a new one handed to the worker."""
    from .tasks import render_paper_job

    # A job still waiting or running for this version (a worker that died
    # mid-job leaves one "running": after JOB_GIVEN_UP_AFTER a new one starts).
    job = (
        PaperJob.of(kind, record)
        .filter(
            version_key=key,
            status__in=[PaperJob.Status.QUEUED, PaperJob.Status.RENDERING],
            requested_at__gte=timezone.now() - JOB_GIVEN_UP_AFTER,
        )
        .first()
    )
    if job is not None:
        return job
    # The job and its task in one transaction: the worker sees both or neither.
    with transaction.atomic():
        job = PaperJob.objects.create(
            **PaperJob.naming(kind, record),
            organisation_id=record.organisation_id,
            version_key=key,
            title=kind.title(record),
            requested_by=user if user is not None and user.is_authenticated else None,
        )
        render_paper_job.enqueue(str(job.pk))
    return job


def serve_paper(request, kind, record):
    """The response for a paper of a record the person may read.

    Approved/published papers and background papers come from the store
    (304 when the browser's copy is current); a missing background paper
    starts a job and sends the person to its progress page; a draft, or a
    working copy, renders now.
    """
    if kind.kept:
        return serve_kept(request, kind, record)
    filename = kind.filename(record)
    working = kind.working_copy and kind.working_copy(record, request.user)
    if working:
        html = paper_html(kind.title(record), record.organisation, working, draft=True)
        pdf, _pages = render_pdf_and_count_pages(html)
        return paper_response(pdf, filename)
    final = kind.is_final(record)
    if not (final or kind.in_background(record)):
        pdf, _pages = render(kind, record)
        return paper_response(pdf, filename)
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
        pdf, pages = render(kind, record)
        paper = store(kind, record, key, pdf, pages)
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
