"""The second factor in a browser: sign-in, set-up, recovery codes, the code
page and the account page, each checked with axe-core."""

from base64 import b32decode

from django_otp.oath import TOTP

from governance.choices import Role

from ..base import PASSWORD, make_person


def password_only(visit, username):
    visit.goto("/sign-in/")
    visit.page.get_by_label("Username").fill(username)
    visit.page.get_by_label("Password").fill(PASSWORD)
    visit.submit("Sign in")


def follow(visit, link_text):
    with visit.page.expect_navigation():
        visit.page.get_by_role("link", name=link_text).click()
    visit.check()


def summary_text(visit):
    return visit.page.locator(".govuk-error-summary").inner_text()


def test_a_new_clerk_sets_up_an_app_then_signs_in_with_a_code_or_recovery_code(
    visit, cast
):
    make_person("new_clerk", cast.council_a, Role.CLERK)
    page = visit.page
    password_only(visit, "new_clerk")
    assert page.url.startswith(visit.url("/account/authenticator-app/"))
    assert page.locator("h1").inner_text() == "Set up an authenticator app"
    assert page.get_by_role("navigation", name="Menu").count() == 0
    qr_code = page.get_by_role(
        "img", name="QR code for adding ICT strategy governance to an authenticator app"
    )
    assert qr_code.locator("svg").is_visible()
    key = b32decode(page.locator("#secret-key").inner_text().replace(" ", ""))

    field = page.get_by_label("Code from your authenticator app")
    field.fill("12345")
    visit.submit("Continue")
    assert "The code is not correct" in summary_text(visit)
    assert page.title().startswith("Error:")

    page.get_by_label("Code from your authenticator app").fill(
        f"{TOTP(key).token():06d}"
    )
    visit.submit("Continue")
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    codes = page.locator(".app-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    follow(visit, "I have saved my recovery codes")
    assert page.url == visit.url("/")
    visit.submit("Sign out")

    password_only(visit, "new_clerk")
    assert page.url.startswith(visit.url("/sign-in/code/"))
    assert (
        page.locator("h1").inner_text() == "Enter the code from your authenticator app"
    )
    visit.submit("Continue")
    assert "Enter the 6-digit code from your authenticator app" in summary_text(visit)
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="Enter the 6-digit code").click()
    assert page.evaluate("document.activeElement.id") == "id_code"
    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label("Code", exact=True).fill(codes[0])
    visit.submit("Continue")
    assert page.url == visit.url("/")
    assert "You have 9 left" in page.locator("main").inner_text()

    follow(visit, "Account")
    assert page.locator("h1").inner_text() == "Your account"
    assert "9 left" in page.locator("main").inner_text()
    visit.submit("Get new recovery codes")
    assert page.locator(".app-recovery-codes code").count() == 10


def test_the_cast_clerk_signs_in_with_a_code_and_can_replace_the_app(visit, cast):
    visit.sign_in("clerk")
    page = visit.page
    assert page.url == visit.url("/")
    follow(visit, "Account")
    follow(visit, "Replace your authenticator app")
    assert page.locator("h1").inner_text() == "Replace your authenticator app"


def test_the_lock_out_page_is_on_the_govuk_layout(visit, cast, settings):
    for _attempt in range(settings.SIGN_IN_FAILURE_LIMITS["username"]):
        visit.sign_in("nobody", "not-the-password")
    assert visit.page.locator("h1").inner_text() == "Sign-in locked"
    assert "locked for 15 minutes" in visit.page.locator("main").inner_text()
