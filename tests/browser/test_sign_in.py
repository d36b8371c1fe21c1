from ..base import PASSWORD


def test_each_role_signs_in_and_sees_their_home_page(visit, cast):
    for username, role_label, sees_people in [
        ("member", "Member (councillor)", False),
        ("officer", "Officer", False),
        ("clerk", "Clerk (democratic services)", False),
        ("administrator", "Administrator", True),
    ]:
        visit.sign_in(username)
        page = visit.page
        assert page.url == visit.url("/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
        assert role_label in page.locator("main").inner_text()
        assert "Ashdown Borough Council" in page.locator("header").inner_text()
        navigation = page.get_by_role("navigation", name="Menu")
        assert navigation.get_by_role("link", name="People").count() == (
            1 if sees_people else 0
        )
        visit.submit("Sign out")
        assert "You have signed out" in page.locator("h1").inner_text()


def test_wrong_password_shows_the_error_summary_then_locks_out(visit, cast, settings):
    for _attempt in range(settings.SIGN_IN_FAILURE_LIMITS["username"] - 1):
        visit.sign_in("officer", "not-the-password")
        summary = visit.page.locator(".govuk-error-summary")
        assert "There is a problem" in summary.inner_text()
        assert "not correct" in summary.inner_text()
        assert visit.page.title().startswith("Error:")
    visit.sign_in("officer", "not-the-password")
    assert "Sign-in locked" in visit.page.locator("h1").inner_text()
    # Locked out: even the right password is refused from this address.
    visit.sign_in("officer", PASSWORD)
    assert "Sign-in locked" in visit.page.locator("h1").inner_text()


def test_missing_username_and_password_are_named_in_the_summary(visit, cast):
    visit.goto("/sign-in/")
    visit.submit("Sign in")
    summary = visit.page.locator(".govuk-error-summary")
    assert "Enter your username" in summary.inner_text()
    assert "Enter your password" in summary.inner_text()
    summary.get_by_role("link", name="Enter your username").click()
    assert visit.page.evaluate("document.activeElement.id") == "id_username"


def test_javascript_runs_under_the_content_security_policy(visit, cast):
    visit.goto("/sign-in/")
    body_classes = visit.page.evaluate("document.body.className")
    assert "js-enabled" in body_classes
    assert "govuk-frontend-supported" in body_classes
