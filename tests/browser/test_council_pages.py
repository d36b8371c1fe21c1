from governance.choices import Role

from ..base import give_role


def test_administrator_corrects_a_mistake_in_the_settings_form(visit, cast):
    visit.sign_in("administrator")
    visit.goto("/council/ashdown/")
    assert "5 working days" in visit.page.locator("main").inner_text()
    visit.page.get_by_role("link", name="Change settings").click()
    visit.check()

    page = visit.page
    page.locator("input[name='bank_holiday_region'][value='scotland']").check()
    visit.submit("Save settings")
    summary = page.locator(".govuk-error-summary")
    assert "Enter the reason for the change" in summary.inner_text()
    assert page.title().startswith("Error:")
    # Focus moves to the summary so screen-reader users hear the problems.
    assert page.evaluate(
        "document.activeElement.classList.contains('govuk-error-summary')"
    )
    # The choice made is kept.
    assert page.locator(
        "input[name='bank_holiday_region'][value='scotland']"
    ).is_checked()

    page.get_by_label("Reason for the change").fill("Constitution review 2026")
    visit.submit("Save settings")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Council settings saved." in banner
    assert "Scotland" in page.locator("main").inner_text()


def test_a_member_reads_the_council_page_but_cannot_change_it(visit, cast):
    visit.sign_in("member")
    visit.goto("/council/ashdown/")
    main = visit.page.locator("main")
    assert "Overview and Scrutiny Committee" in main.inner_text()
    assert visit.page.get_by_role("link", name="Change settings").count() == 0
    response = visit.goto("/council/ashdown/settings/")
    assert response.status == 403
    assert "You cannot do this" in visit.page.locator("h1").inner_text()


def test_another_councils_officer_is_told_the_page_is_not_found(visit, cast):
    visit.sign_in("other_council")
    response = visit.goto("/council/ashdown/")
    assert response.status == 404
    assert "Page not found" in visit.page.locator("h1").inner_text()


def test_a_person_with_two_councils_switches_between_them(visit, cast):
    give_role(cast.officer, cast.council_b, Role.CLERK)
    visit.sign_in("officer")
    assert "Ashdown Borough Council" in visit.page.locator("header").inner_text()
    visit.page.get_by_role("link", name="Change council").first.click()
    visit.check()
    visit.page.get_by_label("Brackley District Council").check()
    visit.submit("Continue")
    assert "Brackley District Council" in visit.page.locator("header").inner_text()
    assert "Clerk (democratic services)" in visit.page.locator("main").inner_text()


def test_the_layout_carries_the_council_brand_not_the_crown(visit, cast):
    visit.sign_in("officer")
    html = visit.page.content()
    assert "govuk-header__logotype" not in html
    assert "crown" not in html.lower()
    fonts = visit.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in fonts
    visit.page.screenshot(path="test-results/home.png", full_page=True)


def test_a_clerk_sets_the_route_and_an_officer_sends_a_draft_for_decision(visit, cast):
    """The council's route, set in the app: pre-decision scrutiny optional;
    the officer then chooses to send the draft straight to Cabinet."""
    from ..base import make_strategy

    strategy = make_strategy(cast, "Straight to Cabinet Strategy 2026–2030")
    visit.sign_in("clerk")
    visit.goto("/council/ashdown/")
    page = visit.page
    page.get_by_role("link", name="Change the route for strategies").click()
    visit.check()
    page.get_by_label("Optional: the officer chooses").check()
    visit.submit("Save")
    assert page.title().startswith("Error:")
    page.get_by_label("Reason for the change").fill("Constitution revised")
    visit.submit("Save")
    assert "Route for strategies saved." in page.locator("main").inner_text()

    page.context.clear_cookies()
    visit.sign_in("officer")
    visit.goto(strategy.get_absolute_url())
    page.get_by_role("link", name="Send for decision").click()
    visit.check()
    assert "pre-decision scrutiny is optional" in page.locator("main").inner_text()
    visit.submit("Send for decision")
    assert "Awaiting approval" in page.locator("main").inner_text()


def test_a_member_finds_a_committee_from_the_navigation(visit, cast):
    visit.sign_in("member")
    visit.goto("/")
    visit.page.get_by_role("navigation").get_by_role("link", name="Committees").click()
    visit.check()
    visit.page.get_by_role("link", name="Overview and Scrutiny Committee").click()
    visit.check()
    main = visit.page.locator("main")
    assert visit.page.title().startswith("Overview and Scrutiny Committee")
    for heading in ("Members", "Meetings to come", "Past meetings", "Decisions"):
        assert main.get_by_role("heading", name=heading, exact=True).count() == 1
    current = visit.page.locator("[aria-current='page']")
    assert current.inner_text().strip() == "Committees"


def test_a_member_makes_calendar_addresses_a_calendar_app_can_read(visit, cast):
    import urllib.request

    visit.sign_in("member")
    visit.goto("/")
    visit.page.get_by_role("link", name="Account").click()
    visit.page.get_by_role("button", name="Make my calendar and feed addresses").click()
    visit.check()
    assert (
        "Your private feed addresses are ready"
        in visit.page.locator(".govuk-notification-banner").inner_text()
    )
    address = visit.page.get_by_label("Calendar (iCalendar)").input_value()
    # Fetched as a calendar app would: no cookies.
    with urllib.request.urlopen(address) as response:  # noqa: S310 (the test server)
        assert response.status == 200
        assert b"BEGIN:VCALENDAR" in response.read()


def test_a_stacked_table_is_still_announced_as_a_table_on_a_phone(visit, cast):
    from datetime import timedelta

    from django.utils import timezone

    from decisions.models import Committee

    from ..base import make_meeting

    cabinet = Committee.objects.get(organisation=cast.council_a, name="Cabinet")
    make_meeting(cabinet, timezone.now() + timedelta(days=3))
    visit.sign_in("member")
    visit.page.set_viewport_size({"width": 320, "height": 800})
    visit.goto("/meetings/")
    visit.check()
    table = visit.page.locator("table.app-table-stack")
    assert table.get_attribute("role") == "table"
    assert visit.page.get_by_role("row").count() >= 2
    assert visit.page.get_by_role("columnheader").count() >= 2
    assert visit.page.get_by_role("cell").count() >= 2


def test_a_page_printed_from_the_browser_reads_as_a_document(visit, cast):
    visit.sign_in("member")
    visit.goto("/council/ashdown/")
    page = visit.page
    assert page.locator(".govuk-service-navigation").is_visible()
    page.emulate_media(media="print")
    for hidden in (".govuk-service-navigation", ".govuk-footer", ".govuk-phase-banner"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("main h1").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
