"""Every demo record has its papers: a clerk downloads one of each kind
(another council's officer those of Fenmoor), each a tagged PDF with a
title, and every other record's paper is laid out (its HTML built through
the same parts; the PDF step is the same for all)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver
from django.utils import timezone
from django.utils.html import escape

from decisions import considered
from decisions.models import ConsideredPaper, Meeting, Report
from governance.demo import story_years
from governance.models import PaperJob
from governance.paper_store import kind_named
from governance.papers import paper_html
from governance.views import PAPER_VIEWS
from tests.base import sign_in
from tests.paper_helpers import read

KINDS = {
    "decision-record",
    "committee-report",
    "agenda-pack",
    "agenda-pack-public",
    "strategy",
    "strategy-on-a-page",
    "workplan-appendix",
    "progress-report",
    "considered-paper",
}


def download(client, url):
    response = client.get(url)
    if response.status_code == 302:  # a background paper: the job ran at once
        job = PaperJob.objects.get(pk=response.url.rstrip("/").split("/")[-1])
        assert job.status == PaperJob.Status.READY, job.error
        response = client.get(url)
    return response


def records_of(model, slug):
    """Every record with papers; of the papers as sent (the same parts as
    the reports and packs above, most served by them already), one pack
    and one report."""
    if slug != "considered-paper":
        return model._default_manager.all()
    papers = ConsideredPaper.objects.order_by("pk")
    return [papers.filter(kind=kind).first() for kind in ("agenda-pack", "report")]


@pytest.mark.long
def test_every_demo_record_has_its_papers(demo, client):
    get_resolver().url_patterns  # noqa: B018 - load every app's views
    assert set(PAPER_VIEWS) == KINDS
    users = get_user_model().objects
    readers = {"ashcombe": users.get(username="clerk")}
    readers["fenmoor"] = users.get(username="other-officer")
    started, rendered, laid_out = time.monotonic(), {}, 0
    for slug, view in PAPER_VIEWS.items():
        kind = kind_named(slug)
        for record in records_of(view.model, slug):
            if slug == "agenda-pack" and not record.agenda_items.exists():
                continue
            if slug in rendered and kind.parts is not None:
                html = paper_html(
                    kind.title(record),
                    record.organisation,
                    kind.parts(record),
                    draft=not kind.is_final(record),
                )
                assert escape(kind.title(record)) in html, (slug, record)
                laid_out += 1
                continue
            sign_in(client, readers[record.organisation.slug])
            response = download(client, kind.url(record))
            assert response.status_code == 200, (slug, record)
            reader, text = read(response.content)
            assert reader.metadata.title == kind.title(record), (slug, record)
            assert "/StructTreeRoot" in reader.trailer["/Root"]
            rendered[slug] = rendered.get(slug, 0) + 1
    # Every kind of paper has demo records, and the reports present records.
    assert set(rendered) == KINDS, rendered
    assert Report.objects.filter(subject_object_id__isnull=False).count() >= 5
    # Every published agenda's papers were kept when sent: each held
    # meeting's show the records as they were then, not as they are now.
    published = Meeting.objects.filter(
        agenda_published=True, agenda_items__isnull=False
    )
    for meeting in published.distinct():
        assert considered.original_pack(meeting) is not None, meeting
    # The current plan's report, its title's years moved with the story.
    story = story_years(timezone.localdate())
    workplan_report = Report.objects.get(title=story.text("ICT workplan 2022–23"))
    (cabinet, item_number), *_ = workplan_report.agenda_items.filter(
        meeting__committee__name="Cabinet"
    ).values_list("meeting", "position")
    cabinet = Meeting.objects.get(pk=cabinet)
    sent = considered.latest_report_paper(workplan_report, cabinet)
    assert sent.html != considered.report_html(workplan_report, cabinet, item_number)[0]
    print(
        f"{sum(rendered.values())} demo papers rendered, {laid_out} laid out, "
        f"in {time.monotonic() - started:.1f} s"
    )
