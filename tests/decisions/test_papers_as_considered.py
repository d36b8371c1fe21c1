"""Papers as considered: publishing an agenda keeps its papers as sent; later
changes make supplements or papers for later meetings, never a silent change
(see `decisions/considered.py`)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import considered, report_subjects
from decisions.models import ConsideredPaper, Meeting
from governance.history import save_with_reason
from workplan.models import WorkplanItem
from workplan.reviews import record_update

from ..base import (
    approve_workplan,
    make_item,
    make_meeting,
    make_report,
    make_review,
    make_workplan,
    put_on_agenda,
    with_version,
)
from ..paper_helpers import flat, read
from .test_concurrency import form_data, signed_in

PACK, REPORT = ConsideredPaper.Kind.AGENDA_PACK, ConsideredPaper.Kind.REPORT


def presented_workplan(cast, business, days=3):
    """An approved workplan, presented by a report on a Cabinet meeting
    `days` from now whose agenda is not yet published."""
    workplan = make_workplan(cast, business.approved_strategy, 2024)
    make_item(cast, workplan, "WP01", title="Replace the firewalls")
    workplan = approve_workplan(cast, business, workplan)
    report = make_report(cast.council_a, "ICT workplan 2024–25")
    report_subjects.present(report, workplan, user=cast.clerk, reason="Test")
    meeting = make_meeting(business.cabinet, timezone.now() + timedelta(days=days))
    put_on_agenda(meeting, report)
    return workplan, report, meeting


def post_form(client, url, **changes):
    """Post the form at `url` back as the page shows it, with `changes`
    (None: the field left empty, e.g. a box unticked)."""
    data = form_data(client.get(url), **changes)
    return client.post(
        url, with_version(client, url, {k: v for k, v in data.items() if v is not None})
    )


def publish_agenda(client, meeting, published=True):
    url = reverse("decisions:meeting_update", args=[meeting.pk])
    return post_form(client, url, agenda_published="on" if published else None)


def change_report(client, report, **changes):
    return post_form(
        client, reverse("decisions:report_update", args=[report.pk]), **changes
    )


def download(client, url):
    """A paper's bytes (a background paper: its job runs at once in tests)."""
    response = client.get(url)
    if response.status_code == 302:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content


@pytest.mark.long
def test_a_meetings_papers_download_the_same_after_every_later_change(cast, business):
    workplan, report, meeting = presented_workplan(cast, business)
    clerk = signed_in(cast.clerk)
    published = publish_agenda(clerk, meeting)
    assert published.status_code == 302
    sent = ConsideredPaper.objects.filter(meeting=meeting)
    assert sorted(sent.values_list("kind", "supplement")) == [(PACK, 0), (REPORT, 0)]
    report_url = reverse("decisions:report_paper", args=[report.pk])
    pack_url = reverse("decisions:meeting_pack", args=[meeting.pk])
    report_pdf, pack_pdf = download(clerk, report_url), download(clerk, pack_url)
    assert "Replace the firewalls" in flat(read(report_pdf)[1])
    kept = sent.get(kind=REPORT)
    member = signed_in(cast.member)
    paper_url = reverse("decisions:considered_paper", args=[kept.pk])
    assert download(member, paper_url) == report_pdf

    # Later: the report, the presented workplan's items and their progress change.
    assert change_report(clerk, report, summary="A revised summary.").status_code == 302
    item = WorkplanItem.objects.get(workplan=workplan)
    item.title = "Replace the firewalls and the VPN"
    save_with_reason(item, user=cast.officer, reason="Test")
    record_update(
        make_review(cast, workplan),
        item,
        cast.officer,
        {
            "delivery_status": "in-progress",
            "rag": "red",
            "rag_reason": "Supplier late",
            "percent_complete": 20,
            "commentary": "Behind.",
            "revised_start_date": None,
            "revised_target_date": None,
        },
    )

    # What was sent downloads byte for byte the same, for every reader.
    assert download(clerk, report_url) != report_pdf  # the supplement's now
    assert download(clerk, pack_url) == pack_pdf
    assert download(member, paper_url) == report_pdf
    assert download(clerk, paper_url) == report_pdf
    assert ConsideredPaper.objects.get(pk=kept.pk).html == kept.html

    # A later meeting gets the records as they are then.
    later = make_meeting(business.cabinet, timezone.now() + timedelta(days=30))
    put_on_agenda(later, report)
    publish_agenda(clerk, later)
    now_sent = ConsideredPaper.objects.get(meeting=later, kind=REPORT).html
    assert "A revised summary." in now_sent
    assert "Replace the firewalls and the VPN" in now_sent
    assert "Replace the firewalls and the VPN" not in kept.html

    # The report's page and the workplan's page list the papers by meeting.
    day = f"{timezone.localtime(meeting.starts_at):%-d %B %Y}"
    for page in (
        member.get(report.get_absolute_url()),
        member.get(workplan.get_absolute_url()),
    ):
        assert f"As sent to Cabinet for {day}" in page.content.decode()
        assert paper_url in page.content.decode()


def test_a_report_added_or_changed_after_publication_makes_a_numbered_supplement(
    cast, business
):
    _workplan, report, meeting = presented_workplan(cast, business)
    clerk = signed_in(cast.clerk)
    publish_agenda(clerk, meeting)

    changed = change_report(clerk, report, summary="Corrected figures.")
    assert "Supplementary agenda pack 1 for Cabinet" in clerk.get(changed.url).text
    first = ConsideredPaper.objects.filter(meeting=meeting, supplement=1)
    assert sorted(first.values_list("kind", flat=True)) == [PACK, REPORT]
    assert "Corrected figures." in first.get(kind=REPORT).html
    assert "Corrected figures." not in (
        ConsideredPaper.objects.get(meeting=meeting, supplement=0, kind=REPORT).html
    )

    # Saving it again unchanged sends nothing.
    change_report(clerk, report)
    assert not ConsideredPaper.objects.filter(meeting=meeting, supplement=2)

    # A report added to the agenda: the next supplement carries it alone.
    extra = "agenda_items-1"
    added = make_report(cast.council_a, "Cyber security annual report")
    agenda = reverse("decisions:agenda_update", args=[meeting.pk])
    post_form(
        clerk,
        agenda,
        **{
            # A second row, as "Add another item" gives.
            "agenda_items-TOTAL_FORMS": "2",
            f"{extra}-ORDER": "2",
            f"{extra}-title": added.title,
            f"{extra}-report": str(added.pk),
        },
    )
    second = ConsideredPaper.objects.filter(meeting=meeting, supplement=2)
    assert list(second.filter(kind=REPORT).values_list("report", flat=True)) == [
        added.pk
    ]
    assert "Supplementary agenda pack 2" in second.get(kind=PACK).title

    # The meeting page lists the pack and each supplement with what it carries.
    text = signed_in(cast.member).get(meeting.get_absolute_url()).content.decode()
    assert "Agenda pack (PDF)" in text
    assert "Supplementary agenda pack 1 (PDF)" in text
    assert "Supplementary agenda pack 2 (PDF)" in text
    assert "Item 2: <a" in text

    # Once the meeting has started, a change to the report sends nothing more.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )
    change_report(clerk, report, summary="Written after the meeting.")
    assert not ConsideredPaper.objects.filter(meeting=meeting, supplement=3)


def test_a_withdrawn_agenda_keeps_what_was_sent_and_publishing_again_adds_changes(
    cast, business
):
    _workplan, report, meeting = presented_workplan(cast, business)
    clerk = signed_in(cast.clerk)
    publish_agenda(clerk, meeting)
    kept = list(ConsideredPaper.objects.filter(meeting=meeting).values("pk", "html"))
    paper = ConsideredPaper.objects.get(meeting=meeting, kind=REPORT)
    paper_url = reverse("decisions:considered_paper", args=[paper.pk])

    publish_agenda(clerk, meeting, published=False)
    assert (
        list(ConsideredPaper.objects.filter(meeting=meeting).values("pk", "html"))
        == kept
    )
    # Members no longer read the withdrawn agenda's papers; its staff do.
    assert signed_in(cast.member).get(paper_url).status_code == 404
    assert "withdrawn" in clerk.get(meeting.get_absolute_url()).content.decode()

    # Published again unchanged: nothing new. Changed while withdrawn (nothing
    # is sent then), then published again: a supplement, the original kept.
    publish_agenda(clerk, meeting)
    assert ConsideredPaper.objects.filter(meeting=meeting).count() == 2
    publish_agenda(clerk, meeting, published=False)
    change_report(clerk, report, summary="Rewritten while withdrawn.")
    assert ConsideredPaper.objects.filter(meeting=meeting).count() == 2
    publish_agenda(clerk, meeting)
    assert sorted(
        ConsideredPaper.objects.filter(meeting=meeting).values_list(
            "kind", "supplement"
        )
    ) == [(PACK, 0), (PACK, 1), (REPORT, 0), (REPORT, 1)]
    assert ConsideredPaper.objects.get(pk=paper.pk).html == paper.html


def test_a_paper_as_considered_is_never_changed(cast, business):
    _workplan, _report, meeting = presented_workplan(cast, business)
    Meeting.objects.filter(pk=meeting.pk).update(agenda_published=True)
    considered.send_papers(meeting, user=cast.clerk, published_now=True)
    paper = ConsideredPaper.objects.get(meeting=meeting, kind=REPORT)
    paper.html = "<p>Rewritten</p>"
    try:
        paper.save()
    except ValueError:
        pass
    else:
        raise AssertionError("a kept paper was saved over")
    kept = paper.keep_rendering(b"%PDF-first", 1)
    again = paper.keep_rendering(b"%PDF-second", 1)
    assert bytes(kept.pdf) == bytes(again.pdf) == b"%PDF-first"


def test_the_meeting_page_lists_papers_in_as_many_queries_for_nine_supplements_as_one(
    cast, business, django_assert_max_num_queries
):
    _workplan, report, meeting = presented_workplan(cast, business)
    Meeting.objects.filter(pk=meeting.pk).update(agenda_published=True)
    considered.send_papers(meeting, user=cast.clerk, published_now=True)
    client = signed_in(cast.member)

    def queries(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    pages = [meeting.get_absolute_url(), report.get_absolute_url()]
    before = [queries(url) for url in pages]
    for number in range(2, 10):
        put_on_agenda(meeting, make_report(cast.council_a, f"Report {number}"), number)
        report.summary = f"Version {number}"
        save_with_reason(report, user=cast.clerk, reason="Test")
        assert considered.send_papers(meeting, user=cast.clerk).supplement == number - 1
    for url, count in zip(pages, before, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)
