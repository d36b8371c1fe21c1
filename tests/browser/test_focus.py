"""Focus after a form: the error summary, or the success banner after a
redirect, takes focus (and so is announced) whatever the URL's fragment;
a keyboard user who followed the skip link posts from a URL ending in
`#main-content`, which would otherwise move focus to <main>."""

from contextlib import suppress

from playwright.sync_api import TimeoutError as PlaywrightTimeout

FOCUSED_CLASSES = "Array.from(document.activeElement.classList)"


def focus_is_on(page, class_name):
    """Whether focus is on the element with `class_name`, allowing the
    browser to finish loading (the fragment moves focus after `load`)."""
    with suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"document.activeElement.classList.contains('{class_name}')",
            timeout=2000,
        )
    # Still there a moment later (nothing moves it again).
    page.wait_for_timeout(200)
    return class_name in page.evaluate(FOCUSED_CLASSES)


def test_the_error_summary_and_success_banner_take_focus_after_the_skip_link(
    visit, cast
):
    visit.sign_in("administrator")
    page = visit.page
    visit.goto("/council/ashdown/settings/")
    # A keyboard user's way in: the skip link (the page's first Tab stop;
    # focused directly, as a first Tab can land in the browser's own chrome
    # on a slow machine), then into the form.
    skip_link = page.get_by_role("link", name="Skip to main content")
    skip_link.focus()
    skip_link.press("Enter")
    page.wait_for_url("**/council/ashdown/settings/#main-content", timeout=5000)

    page.locator("input[name='bank_holiday_region'][value='scotland']").check()
    visit.submit("Save settings")
    assert page.url.endswith("#main-content")
    assert focus_is_on(page, "govuk-error-summary"), page.evaluate(FOCUSED_CLASSES)

    page.get_by_label("Reason for the change").fill("Constitution review 2026")
    visit.submit("Save settings")
    # Redirected to the council's page; the browser keeps the fragment.
    assert page.url.endswith("/council/ashdown/#main-content")
    assert "Council settings saved." in page.locator("main").inner_text()
    assert focus_is_on(page, "govuk-notification-banner"), page.evaluate(
        FOCUSED_CLASSES
    )


def test_a_fragment_naming_a_field_does_not_take_focus_from_the_error_summary(
    visit, cast
):
    visit.sign_in("administrator")
    page = visit.page
    visit.goto("/council/ashdown/settings/#main-content")
    page.locator("input[name='bank_holiday_region'][value='scotland']").check()
    with page.expect_navigation():
        page.evaluate(
            "document.querySelector('main form').action = "
            "location.pathname + '#id_change_reason'"
        )
        page.get_by_role("button", name="Save settings").click()
    visit.check()
    assert page.url.endswith("#id_change_reason")
    assert focus_is_on(page, "govuk-error-summary"), page.evaluate(FOCUSED_CLASSES)
