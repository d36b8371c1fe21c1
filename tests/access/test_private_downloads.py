"""Every download of a council's records says `Cache-Control: private, no-store`.

The downloads are the access matrix's GET rows named in `DOWNLOADS`: each is
fetched by a person who may read it. Every other GET row of the matrix is
fetched too and must not be a download, so a new kind of file served
without the header (or left out of this list) turns the suite red.
"""

import pytest
from django.urls import reverse

from governance.downloads import PRIVATE

from .test_access_matrix import MATRIX, url_for

#: Every URL that hands over a file (papers, spreadsheets, calendar, feed).
DOWNLOADS = {
    "decisions:decision_feed",
    "decisions:considered_paper",
    "decisions:decision_paper",
    "decisions:meeting_calendar",
    "decisions:meeting_pack",
    "decisions:report_paper",
    "strategy:strategy_on_a_page_paper",
    "strategy:strategy_paper",
    "workplan:import_template_csv",
    "workplan:import_template_xlsx",
    "workplan:review_paper",
    "workplan:workplan_export_csv",
    "workplan:workplan_export_xlsx",
    "workplan:workplan_paper",
}
#: Files anyone may fetch: the public site's papers, feeds and sitemap, and
#: the API's schema. The same for everyone, so shared caches may keep them
#: (`Cache-Control: public`); what they may hold is tested in tests/public/.
PUBLIC_DOWNLOADS = {
    "public:agenda_pack",
    "public:decision_feed",
    "public:decision_paper",
    "public:meeting_calendar",
    "public:report_paper",
    "public:sitemap",
    "api:schema",
}
#: Who fetches a row: the first of these the matrix lets read it.
READERS = ["officer", "clerk", "administrator", "member", "other_council", "anonymous"]

GET_ROWS = [row for row in MATRIX if row.method == "GET"]
DOWNLOAD_ROWS = [row for row in GET_ROWS if row.name in DOWNLOADS]
PUBLIC_DOWNLOAD_ROWS = [row for row in GET_ROWS if row.name in PUBLIC_DOWNLOADS]
PAGE_ROWS = [row for row in GET_ROWS if row.name not in DOWNLOADS | PUBLIC_DOWNLOADS]


def reader(row):
    """The first role that may fetch `row` (a 302 hands over to the file), or
    None when nobody gets anything but a refusal or a redirect."""
    for role in READERS:
        if row.expected[role] == 200:
            return role
    if row.name in DOWNLOADS:
        return next(role for role in READERS if row.expected[role] == 302)
    return None


def is_download(response):
    """A file rather than a page: saved by name, or anything but a page,
    a status line ("ok" of /healthz) or JSON."""
    content_type = response.get("Content-Type", "").split(";")[0]
    return response.status_code == 200 and (
        "Content-Disposition" in response
        or content_type not in ("text/html", "text/plain", "application/json")
    )


def test_every_download_has_a_row_in_the_access_matrix():
    assert {row.name for row in DOWNLOAD_ROWS} == DOWNLOADS


@pytest.mark.parametrize(
    "row",
    DOWNLOAD_ROWS,
    ids=[f"{row.name}-{'-'.join(map(str, row.args))}" for row in DOWNLOAD_ROWS],
)
def test_a_download_is_private_and_never_stored(cast, business, client_for, row):
    client = client_for(cast.user(reader(row)))
    url = url_for(row, cast, business)

    response = client.get(url)
    if response.status_code == 302:
        # An agenda pack: the test settings render it at once, so the next
        # request serves it.
        response = client.get(url)

    assert response.status_code == 200, url
    assert is_download(response), response["Content-Type"]
    assert response["Cache-Control"] == PRIVATE == "private, no-store"


@pytest.mark.crawl
def test_no_other_page_of_the_matrix_is_a_download(cast, business, client_for):
    downloads, fetched = [], 0
    for row in PAGE_ROWS:
        if reader(row) is None:
            continue
        fetched += 1
        client = client_for(cast.user(reader(row)))
        response = client.get(url_for(row, cast, business))
        if is_download(response):
            downloads.append((row.name, response["Content-Type"]))
    assert downloads == []
    assert fetched >= 50  # the matrix had 59 readable GET pages when written


def test_a_stored_paper_keeps_its_etag_and_its_304_is_private_too(
    cast, business, client_for
):
    client = client_for(cast.member)
    url = reverse("strategy:strategy_paper", args=[business.approved_strategy.pk])
    first = client.get(url)
    etag = first["ETag"]

    not_modified = client.get(url, headers={"If-None-Match": etag})

    assert first.status_code == 200 and first["Cache-Control"] == PRIVATE
    assert not_modified.status_code == 304
    assert not_modified["ETag"] == etag
    assert not_modified["Cache-Control"] == PRIVATE


def test_every_public_download_may_be_kept_by_shared_caches(cast, business, client_for):
    """The public's files are public records: never `private` (so a CDN may
    serve them), never marked as anyone's."""
    assert {row.name for row in PUBLIC_DOWNLOAD_ROWS} == PUBLIC_DOWNLOADS
    for row in PUBLIC_DOWNLOAD_ROWS:
        if row.expected["anonymous"] != 200:
            continue
        response = client_for(None).get(url_for(row, cast, business))
        assert response.status_code == 200, row.name
        assert is_download(response), row.name
        assert "private" not in response.get("Cache-Control", ""), row.name
