"""The decision record as a PDF: content, tags, access, and a renderer that
fetches nothing but our own static files."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from governance.history import save_with_reason
from governance.papers import StaticOnlyFetcher, render_pdf_from_html
from tests.paper_helpers import Canary, assert_tagged, read, vectors

ROOT = Path(__file__).resolve().parent.parent.parent


def paper_url(decision):
    return reverse("decisions:decision_paper", args=[decision.pk])


def test_a_clerk_downloads_a_tagged_decision_record(cast, business, client_for):
    decision = business.published_decision
    response = client_for(cast.clerk).get(paper_url(decision))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader, text = read(response.content)
    assert decision.title in text
    assert "Resolved" in text
    assert "The strategy is approved." in text
    assert decision.deadline_text.replace("  ", " ") in " ".join(text.split())
    assert "DRAFT" not in text
    assert_tagged(reader, f"Record of decision: {decision.title}", cast.council_a.name)


def test_a_draft_record_carries_the_draft_mark(cast, business, client_for):
    response = client_for(cast.clerk).get(paper_url(business.draft_decision))
    assert "DRAFT" in read(response.content)[1]


def test_a_member_cannot_download_a_draft_and_another_council_nothing(
    cast, business, client_for
):
    assert (
        client_for(cast.member).get(paper_url(business.draft_decision)).status_code
        == 404
    )
    assert (
        client_for(cast.member).get(paper_url(business.published_decision)).status_code
        == 200
    )
    other = client_for(cast.other_council)
    assert other.get(paper_url(business.published_decision)).status_code == 404
    assert (
        other.get(reverse("decisions:decision_paper", args=[999999])).status_code == 404
    )


def test_the_renderer_fetches_nothing_from_hostile_html(canary):
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Probe</title>'
        '<link rel="stylesheet" href="/static/css/paper.css"></head><body>'
        + vectors(canary)
        + "</body></html>"
    )
    # The canary works: WeasyPrint's own fetcher calls it ...
    from weasyprint import HTML

    HTML(string=html, base_url="https://paper.invalid/").write_pdf()
    assert len(Canary.hits) >= 4, Canary.hits
    Canary.hits.clear()
    # ... ours does not.
    pdf = render_pdf_from_html(html)
    assert Canary.hits == []
    assert b"/EmbeddedFile" not in pdf
    assert b"root:" not in pdf
    assert "hostile vectors" in read(pdf)[1]


def test_hostile_text_in_a_record_appears_literally_and_fetches_nothing(
    cast, business, client_for, canary
):
    decision = business.draft_decision
    decision.title = (
        f'<img src="{canary}/t.png"> <style>@import url({canary}/a.css)</style>'
    )
    decision.record = vectors(canary) + " " + "x" * 50_000 + " مرحبا 🎉"
    save_with_reason(decision, user=cast.clerk, reason="Hostile text test")
    response = client_for(cast.clerk).get(paper_url(decision))
    assert response.status_code == 200
    text = read(response.content)[1]
    assert "<img src=" in text
    assert "@import url(" in text
    assert Canary.hits == []
    assert b"/EmbeddedFile" not in response.content


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://paper.invalid/static/css/paper.css", True),
        ("https://paper.invalid/static/css/../css/paper.css", False),
        ("https://paper.invalid/static/%2e%2e/manage.py", False),
        ("https://paper.invalid/static//etc/passwd", False),
        ("https://paper.invalid/static/css/paper.css?x=1", False),
        ("https://paper.invalid/manage.py", False),
        ("http://paper.invalid/static/css/paper.css", False),
        ("https://127.0.0.1/static/css/paper.css", False),
        ("file:///etc/passwd", False),
        ("data:text/plain,hello", False),
    ],
)
def test_the_fetcher_serves_only_our_static_files(url, allowed):
    assert (StaticOnlyFetcher.static_path(url) is not None) == allowed


def test_every_weasyprint_call_goes_through_our_fetcher():
    sources = [
        path
        for app in ("config", "governance", "decisions", "strategy", "workplan")
        for path in (ROOT / app).rglob("*.py")
    ]
    for path in sources:
        text = path.read_text()
        # What imports it (the production settings name its logger only).
        if not re.search(r"^\s*(from|import) weasyprint\b", text, re.MULTILINE):
            continue
        # The paper renderer, and the one-page fit that measures with it.
        assert path.parent.name == "governance", path
        assert path.name in ("papers.py", "one_page.py"), path
        calls = [line for line in text.splitlines() if "HTML(" in line]
        assert calls, path
        assert all("url_fetcher=fetcher" in line for line in calls), calls
        assert "fetcher, base = StaticOnlyFetcher()" in text, path


def test_empty_sections_of_a_decision_record_say_not_recorded_not_none(
    cast, business, client_for
):
    """Nothing entered is not "no conflicts declared": the record says what
    it knows."""
    from decisions.models import DecisionRecord

    DecisionRecord.objects.filter(pk=business.published_decision.pk).update(
        conflicts_of_interest="", dispensations="", alternatives_rejected=""
    )
    page = client_for(cast.member).get(business.published_decision.get_absolute_url())
    text = page.content.decode()
    assert text.count("Not recorded") >= 3
    assert ">None<" not in text
