"""The committee report and the agenda pack as papers; papers kept once
rendered and served with an ETag; agenda packs rendered by the worker."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from decisions import report_subjects
from decisions.models import Meeting, Report
from governance import paper_store
from governance.history import save_with_reason
from governance.models import PaperJob, StoredPaper
from tests.base import make_report, put_on_agenda, write_under
from tests.paper_helpers import (
    Canary,
    assert_tagged,
    flat,
    fonts_of,
    outline_titles,
    read,
    vectors,
)

SECTIONS = [
    "1. Purpose of the report",
    "2. Summary",
    "3. Recommendations",
    "4. Reasons for the recommendations",
    "5. Other options considered",
    "6. Implications",
    "7. Contact officer",
    "8. Background papers",
    "9. Annexes",
]


def report_url(report):
    return reverse("decisions:report_paper", args=[report.pk])


def pack_url(meeting):
    return reverse("decisions:meeting_pack", args=[meeting.pk])


def test_the_committee_report_follows_the_standard_layout(cast, business, client_for):
    report = business.report
    write_under(report, "financial", "Within the approved capital budget of £1.2m.")
    report.background_papers = "Cabinet, 4 October 2022: ICT Strategy."
    save_with_reason(report, user=cast.clerk, reason="Test")
    response = client_for(cast.member).get(report_url(report))
    assert response.status_code == 200
    reader, text = read(response.content)
    text = flat(text)
    for section in SECTIONS:
        assert section in text
    assert "That Cabinet approves it." in text
    assert "Within the approved capital budget of £1.2m." in text
    assert "Crime and disorder" in text
    assert "Cabinet, 4 October 2022: ICT Strategy." in text
    assert "DRAFT" not in text  # on a published agenda
    assert_tagged(reader, report.title, cast.council_a.name)


def test_a_report_not_yet_on_a_published_agenda_is_a_draft(cast, business, client_for):
    client = client_for(cast.clerk)
    url = report_url(business.unpublished_report)
    response = client.get(url)
    assert "DRAFT" in read(response.content)[1]
    # A draft is kept per version like a final paper (its key says draft):
    # asked again unchanged, it is not rendered again.
    draft = StoredPaper.objects.get(object_id=business.unpublished_report.pk)
    assert draft.version_key.startswith("draft:")
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    # Published with its agenda, the same report is a new (final) version.
    meeting = business.later_meeting
    meeting.agenda_published = True
    meeting.save()
    final = client.get(url)
    assert final.status_code == 200 and final["ETag"] != response["ETag"]
    assert "DRAFT" not in read(final.content)[1]


@pytest.mark.long
def test_user_text_in_a_report_its_annexes_and_the_pack_is_inert(
    cast, business, client_for, canary
):
    """Every fetch vector, in the report and in the strategy it presents,
    shows literally in the report and the agenda pack; the canary hears
    nothing."""
    strategy = business.approved_strategy
    strategy.vision = vectors(canary) + " مرحبا 🎉"
    save_with_reason(strategy, user=cast.officer, reason="Hostile text test")
    report = business.report
    report.summary = (
        '<img src="file:///etc/passwd"> <style>@import url(http://127.0.0.1:9/);'
        "</style> مرحبا 🎉"
    )
    report.reasons = vectors(canary) + " " + "x" * 50_000
    report_subjects.present(report, strategy, user=cast.clerk, reason="Test")
    client = client_for(cast.clerk)
    response = client.get(report_url(report))
    assert response.status_code == 200
    text = flat(read(response.content)[1])
    assert '<img src="file:///etc/passwd">' in text
    assert "@import url(http://127.0.0.1:9/);" in text
    assert f'<link rel="stylesheet" href="{canary}/style.css">' in text
    assert "Annex A" in text and "hostile vectors" in text
    client.get(pack_url(business.meeting))
    pack = client.get(pack_url(business.meeting))
    assert pack.status_code == 200
    assert f'<img src="{canary}/img.png">' in flat(read(pack.content)[1])
    assert Canary.hits == []
    assert b"/EmbeddedFile" not in response.content + pack.content


def test_a_published_paper_is_rendered_once_and_served_with_an_etag(
    cast, business, client_for
):
    client = client_for(cast.clerk)
    url = report_url(business.report)
    first = client.get(url)
    etag = first["ETag"]
    assert etag and StoredPaper.objects.count() == 1
    stored_at = StoredPaper.objects.get().rendered_at
    second = client.get(url)
    assert second.content == first.content and second["ETag"] == etag
    assert StoredPaper.objects.get().rendered_at == stored_at  # not re-rendered
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not not_modified.content
    # A change to the report makes a new version: rendered again.
    report = business.report
    report.summary = "A new summary."
    save_with_reason(report, user=cast.clerk, reason="Test")
    third = client.get(url, headers={"If-None-Match": etag})
    assert third.status_code == 200 and third["ETag"] != etag
    assert "A new summary." in read(third.content)[1]
    assert StoredPaper.objects.count() == 1  # only the latest is kept


def test_a_change_of_paper_template_renders_stored_papers_again(
    cast, business, client_for, monkeypatch
):
    client = client_for(cast.clerk)
    url = reverse("decisions:decision_paper", args=[business.published_decision.pk])
    etag = client.get(url)["ETag"]
    monkeypatch.setattr(paper_store, "template_digest", lambda: "another-template")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again["ETag"] != etag


def test_the_agenda_pack_has_front_sheet_contents_reports_and_bookmarks(
    cast, business, client_for
):
    meeting = business.meeting
    second = make_report(cast.council_a, "Cyber security annual report")
    put_on_agenda(meeting, second, position=2)
    client = client_for(cast.member)
    response = client.get(pack_url(meeting))
    job = PaperJob.objects.filter(kind="agenda-pack", object_id=meeting.pk).latest(
        "requested_at"
    )
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == PaperJob.Status.READY and job.pages >= 4
    page = client.get(job.get_absolute_url())
    assert b"Download the PDF" in page.content
    assert client.get(
        job.get_absolute_url(), headers={"Accept": "application/json"}
    ).json()["finished"]
    download = client.get(pack_url(meeting))
    assert download.status_code == 200 and download["ETag"]
    reader, text = read(download.content)
    pages = [page.extract_text() for page in reader.pages]
    assert "Cabinet" in pages[0] and meeting.venue in pages[0]
    # The front sheet as a summons: membership, contact, despatch, the public.
    for field in ("Membership", "Contact officer", "Date of despatch", "The public"):
        assert field in pages[0], field
    assert "Contents" in pages[1] and "Agenda" in pages[1]
    # Each agenda item names its report once, with the page it starts on.
    assert "Report: " not in pages[1]
    second_start = next(
        n
        for n, page in enumerate(pages, start=1)
        if second.title in page and "Purpose of the report" in page
    )
    assert f"{second.title} {second_start}" in flat(pages[1])
    # Contents entries carry the page their report starts on.
    first_report = next(
        n for n, page in enumerate(pages, start=1) if "1. Purpose of the report" in page
    )
    assert f"{business.report.title}" in pages[1]
    assert f" {first_report}" in flat(pages[1])
    for number, page_text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page_text
    titles = outline_titles(reader)
    assert business.report.title in titles and second.title in titles
    assert "DRAFT" not in text
    assert_tagged(reader, f"Agenda pack: {meeting}", cast.council_a.name)


def test_an_unpublished_agenda_pack_is_marked_draft(cast, business, client_for):
    client = client_for(cast.clerk)
    client.get(pack_url(business.later_meeting))
    download = client.get(pack_url(business.later_meeting))
    assert download.status_code == 200
    assert "DRAFT" in read(download.content)[1]


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_renders_a_queued_pack(cast, client_for):
    from tests.base import build_business

    business = build_business(cast)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ):
        client = client_for(cast.clerk)
        response = client.get(pack_url(business.meeting))
        job = PaperJob.objects.filter(object_id=business.meeting.pk).latest(
            "requested_at"
        )
        assert job.status == PaperJob.Status.QUEUED
        waiting = client.get(response.url)
        assert b"Waiting for the worker" in waiting.content
        # Asking again does not queue a second job for the same version.
        assert client.get(pack_url(business.meeting)).url == response.url
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        job.refresh_from_db()
        assert job.status == PaperJob.Status.READY
        assert client.get(pack_url(business.meeting)).status_code == 200


def test_a_failed_job_says_so_and_can_be_tried_again(
    cast, business, client_for, monkeypatch
):
    def broken(record):
        raise RuntimeError("layout failed")

    kind = paper_store.kind_named("agenda-pack")
    monkeypatch.setitem(
        paper_store._KINDS,
        "agenda-pack",
        paper_store.PaperKind(**{**kind.__dict__, "parts": broken}),
    )
    client = client_for(cast.clerk)
    response = client.get(pack_url(business.meeting))
    job = PaperJob.objects.get(pk=response.url.split("/")[-2])
    assert job.status == PaperJob.Status.FAILED
    page = client.get(response.url)
    assert b"could not be prepared" in page.content
    assert not StoredPaper.objects.filter(kind="agenda-pack")
    monkeypatch.setitem(paper_store._KINDS, "agenda-pack", kind)
    retry = client.post(response.url)
    assert PaperJob.objects.get(pk=retry.url.split("/")[-2]).status == "ready"


def test_a_paper_of_a_missing_record_is_404(cast, business, client_for):
    client = client_for(cast.clerk)
    assert client.get(report_url(type("R", (), {"pk": 999999})())).status_code == 404
    assert (
        client.get(reverse("decisions:meeting_pack", args=[999999])).status_code == 404
    )
    assert Meeting.objects.exists()


def test_papers_keep_their_stylesheet_under_the_production_static_storage(
    cast, business, client_for, caplog
):
    """Production names static files by their hash; the paper still links
    the stylesheet by its own name, which the fetcher serves (the PDF uses
    its font), and nothing is refused."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    with override_settings(STORAGES=storages), caplog.at_level("WARNING"):
        response = client_for(cast.clerk).get(report_url(business.unpublished_report))
    assert response.status_code == 200
    assert any(
        "Liberation-Sans" in name for name in fonts_of(read(response.content)[0])
    )
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_every_kind_of_paper_is_known_without_the_url_configuration():
    """The worker process never loads the URLs: the kinds register when the
    apps are ready."""
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from governance import paper_store; "
        "print(' '.join(sorted(paper_store._KINDS)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert set(result.stdout.split()) >= {
        "agenda-pack",
        "committee-report",
        "decision-record",
        "progress-report",
        "workplan-appendix",
        "strategy",
        "strategy-on-a-page",
    }


def test_a_clerk_names_what_a_report_presents_and_its_paper_carries_it(
    cast, business, client_for
):
    from django.contrib.contenttypes.models import ContentType

    from strategy.models import Strategy

    strategy = business.approved_strategy
    value = f"{ContentType.objects.get_for_model(Strategy).pk}:{strategy.pk}"
    data = {
        "title": "ICT Strategy: annual refresh",
        "report_of": business.report.report_of_id,
        "contact": business.report.contact_id,
        "purpose": "To present the strategy.",
        "wards_affected": "All wards",
        "urgency_route": "",
        "recommendations-TOTAL_FORMS": "0",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-MIN_NUM_FORMS": "0",
        "recommendations-MAX_NUM_FORMS": "1000",
    }
    client = client_for(cast.clerk)
    form = client.get(reverse("decisions:report_create"))
    assert value.encode() in form.content  # offered in the form

    # Another council's strategy is not a choice: the form says so, saves nothing.
    other = save_with_reason(
        Strategy(
            organisation=cast.council_b,
            title="Brackley ICT Strategy",
            period_start_year=2026,
            period_end_year=2030,
        ),
        user=None,
        reason="Test set-up",
    )
    foreign = f"{ContentType.objects.get_for_model(Strategy).pk}:{other.pk}"
    refused = client.post(
        reverse("decisions:report_create"), {**data, "subject": foreign}
    )
    assert refused.status_code == 200 and b"govuk-error-summary" in refused.content
    assert not Report.objects.filter(title=data["title"]).exists()

    saved = client.post(reverse("decisions:report_create"), {**data, "subject": value})
    assert saved.status_code == 302
    report = Report.objects.get(title=data["title"])
    assert (report.subject_content_type_id, report.subject_object_id) == (
        ContentType.objects.get_for_model(Strategy).pk,
        strategy.pk,
    )
    page = client.get(report.get_absolute_url())
    assert strategy.title.encode() in page.content
    reader, text = read(client.get(report_url(report)).content)
    titles = outline_titles(reader)
    assert f"Annex A: {strategy.title}" in flat(text)
    assert "Annex A to the report" in flat(text)
    assert strategy.title in titles
    assert f"{strategy.title}: strategy on a page" in flat(text)


@pytest.mark.long
def test_serving_a_stored_pack_takes_as_many_queries_for_eight_reports_as_for_one(
    cast, business, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.clerk)

    def queries_to_serve(meeting):
        client.get(pack_url(meeting))  # renders (the job runs at once)
        client.get(pack_url(meeting))
        with CaptureQueriesContext(connection) as served:
            response = client.get(pack_url(meeting))
        assert response.status_code == 200
        return len(served)

    one = queries_to_serve(business.meeting)
    for position in range(2, 9):
        put_on_agenda(
            business.meeting,
            make_report(cast.council_a, f"Report {position}"),
            position=position,
        )
    assert queries_to_serve(business.meeting) == one


@pytest.mark.long
def test_prepare_papers_stores_every_final_paper_once(cast, business):
    import io

    out = io.StringIO()
    call_command("prepare_papers", "--council", cast.council_a.slug, stdout=out)
    queued = int(out.getvalue().split(" queued")[0].split()[-1])
    # The published decision, the report on the published agenda, that
    # agenda's pack and the approved strategy's two papers, at least.
    assert queued >= 5
    kinds = set(StoredPaper.objects.values_list("kind", flat=True))
    assert {"decision-record", "committee-report", "agenda-pack", "strategy"} <= kinds
    assert not StoredPaper.objects.filter(
        object_id=business.draft_decision.pk, kind="decision-record"
    )
    # Nothing is withheld: no public versions (the public get the papers
    # of record).
    assert not kinds & {"decision-record-public", "committee-report-public"}
    again = io.StringIO()
    call_command("prepare_papers", stdout=again)
    assert f"{queued} already current, 0 queued" in again.getvalue()
    with pytest.raises(CommandError):
        call_command("prepare_papers", "--council", "nowhere", stdout=io.StringIO())

    # A decision whose exempt part is withheld: its public version too.
    decision = business.published_decision
    decision.exempt = True
    decision.exempt_part = "The rent agreed."
    decision.exempt_paragraph = "3"
    decision.exempt_reason = "Commercial terms under negotiation"
    decision.exempt_review_on = timezone.localdate() + timedelta(days=30)
    save_with_reason(decision, user=None, reason="Test")
    withheld = io.StringIO()
    call_command("prepare_papers", "--council", cast.council_a.slug, stdout=withheld)
    assert StoredPaper.objects.filter(
        object_id=decision.pk, kind="decision-record-public"
    ).exists()


def test_a_stored_report_follows_the_meeting_it_is_headed_for(
    cast, business, client_for
):
    from datetime import timedelta

    from django.utils import timezone

    from tests.base import make_meeting

    report = business.report
    soon = make_meeting(
        business.cabinet, timezone.now() + timedelta(days=7), agenda_published=True
    )
    later = make_meeting(
        business.cabinet, timezone.now() + timedelta(days=35), agenda_published=True
    )
    put_on_agenda(soon, report)
    put_on_agenda(later, report)
    client = client_for(cast.clerk)
    first = client.get(report_url(report))
    assert f"{timezone.localtime(soon.starts_at):%-d %B %Y}" in flat(
        read(first.content)[1]
    )
    soon.starts_at = timezone.now() - timedelta(hours=1)  # the meeting has been held
    save_with_reason(soon, user=cast.clerk, reason="Test")
    second = client.get(report_url(report), headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert f"{timezone.localtime(later.starts_at):%-d %B %Y}" in flat(
        read(second.content)[1]
    )


def test_a_member_sees_what_a_report_presents_without_a_link_to_a_draft(
    cast, business, client_for
):
    report = business.report
    report_subjects.present(
        report, business.draft_strategy, user=cast.clerk, reason="Test"
    )
    page = client_for(cast.member).get(report.get_absolute_url())
    assert business.draft_strategy.title.encode() in page.content
    assert business.draft_strategy.get_absolute_url().encode() not in page.content
    page = client_for(cast.officer).get(report.get_absolute_url())
    assert business.draft_strategy.get_absolute_url().encode() in page.content
