from governance.history import save_with_reason

from ..base import build_business


def test_a_member_searches_from_the_header_and_reads_highlighted_results(visit, cast):
    business = build_business(cast)
    decision = business.published_decision
    decision.record = (
        "Cabinet agreed the renewal of the <b>wifi</b> contract: see "
        "https://www.ashdown.gov.uk/" + "council-and-democracy/" * 6 + "wifi.pdf"
    )
    save_with_reason(decision, user=None, reason="Test set-up")
    visit.sign_in("member")
    page = visit.page
    page.get_by_label("Search the council’s records").fill("renewing wifi")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button", name="Search").click()
    visit.check()
    assert page.title().startswith("Search results for “renewing wifi”")
    result = page.locator(".app-search-result").first
    assert "Published decision" in result.inner_text()
    assert result.locator("mark").all_inner_texts()[:2] == ["renewal", "wifi"]
    # Filtering by kind keeps the words; a kind with nothing says so.
    page.get_by_label("What to search").select_option(label="Reports")
    visit.submit("Apply filters")
    assert "0 results in reports" in page.locator("main").inner_text()
    assert page.get_by_label("Search words").input_value() == "renewing wifi"
    # The boxes take 200 characters; a longer search in the address gets
    # the GOV.UK error summary.
    visit.goto("/search/?q=" + "wifi+" * 2000)
    assert "Search words must be 200 characters or fewer" in (
        page.locator(".govuk-error-summary").inner_text()
    )
    # At 320 CSS pixels the results page reflows: nothing scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    visit.goto("/search/?q=wifi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    visit.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
