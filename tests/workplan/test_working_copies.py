"""Officers' working copies of a workplan's papers (items awaiting approval
included, marked DRAFT) are stored per version like papers of record, and
a large one is rendered by the worker behind the progress page; its job is
seen only by the council's staff."""

import pytest
from django.urls import reverse

from governance.models import PaperJob, StoredPaper
from tests.base import add_item_by_variation, approve_workplan
from tests.paper_helpers import read
from workplan import papers as workplan_papers


def appendix_url(workplan):
    return reverse("workplan:workplan_paper", args=[workplan.pk])


@pytest.fixture
def varied(cast, business):
    """The workplan approved with WP01, then WP02 added by variation and
    awaiting approval: its officers get a working copy."""
    approve_workplan(cast, business, business.workplan)
    add_item_by_variation(cast, business.workplan, "WP02")
    return business.workplan


@pytest.fixture
def large(cast, varied, monkeypatch):
    """Above the size that goes to the worker with all three items (WP03
    awaits approval too), not with the one item of record."""
    monkeypatch.setattr(workplan_papers, "INLINE_ITEMS", 2)
    add_item_by_variation(cast, varied, "WP03")
    return varied


def test_a_small_working_copy_renders_inline_and_is_kept_per_version(
    cast, business, client_for, varied
):
    officer = client_for(cast.officer)
    first = officer.get(appendix_url(business.workplan))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert "DRAFT" in read(first.content)[1]
    stored = StoredPaper.objects.get(kind="workplan-appendix-working")
    assert stored.version_key.startswith("draft:")
    # Kept: the same version is not rendered again, and answers 304.
    again = officer.get(appendix_url(business.workplan))
    assert again["ETag"] == first["ETag"]
    assert StoredPaper.objects.get(pk=stored.pk).rendered_at == stored.rendered_at
    not_modified = officer.get(
        appendix_url(business.workplan), headers={"If-None-Match": first["ETag"]}
    )
    assert not_modified.status_code == 304
    assert not PaperJob.objects.filter(kind="workplan-appendix-working").exists()


def test_a_large_working_copy_goes_to_the_worker_and_only_staff_see_its_job(
    cast, business, client_for, large
):
    officer = client_for(cast.officer)
    response = officer.get(appendix_url(large))
    # The worker (immediate under test) rendered it; the progress page offers it.
    assert response.status_code == 302
    job = PaperJob.objects.get(kind="workplan-appendix-working")
    assert response.url == job.get_absolute_url()
    assert job.status == PaperJob.Status.READY
    assert job.version_key.startswith("draft:")
    page = officer.get(job.get_absolute_url())
    assert page.status_code == 200
    assert appendix_url(large).encode() in page.content  # the download
    download = officer.get(appendix_url(large))
    assert download.status_code == 200
    text = read(download.content)[1]
    assert "DRAFT" in text and "WP03" in text
    assert client_for(cast.clerk).get(job.get_absolute_url()).status_code == 200
    for outsider in (cast.member, cast.other_council):
        assert client_for(outsider).get(job.get_absolute_url()).status_code == 404
    anonymous = client_for(None).get(job.get_absolute_url())
    assert anonymous.status_code == 302 and "sign-in" in anonymous.url


def test_a_member_of_a_large_plan_gets_the_paper_of_record_inline(
    cast, business, client_for, large
):
    paper = client_for(cast.member).get(appendix_url(large))
    assert paper.status_code == 200  # one item of record: inline
    text = read(paper.content)[1]
    assert "WP01" in text and "WP03" not in text and "DRAFT" not in text
    assert not PaperJob.objects.filter(kind__startswith="workplan").exists()
    assert StoredPaper.objects.get().kind == "workplan-appendix"
