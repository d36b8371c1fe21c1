"""Browser tests: Playwright driving Debian's Chromium against a live server.

Every page a test visits is checked with axe-core (zero violations), and a
test fails if any page it saw was not checked, logged a Content Security
Policy violation or opened a dialog. Use the `visit` fixture rather than the
bare `page`.
"""

import os
from base64 import b32decode
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from playwright.sync_api import Error as PlaywrightError

from ..base import PASSWORD, authenticator_code

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = (
            f"Chromium is not installed at {CHROMIUM} "
            "(Debian/Ubuntu: apt-get install chromium)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI must run the browser tests.")
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_FLAGS,
    }


_axe = Axe()


class Visitor:
    """A person at a browser: goes to pages, fills forms, and checks each page."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.seen = []
        self.checked = set()
        self.console_errors = []
        self.dialogs = []
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.seen.append(frame.url)

    def _console(self, message):
        if message.type != "error":
            return
        # A page shown with an error status on purpose (404, 429) logs a
        # failed load for the document itself; a failed stylesheet, script
        # or image is still an error.
        is_document = message.location.get("url") in self.seen
        if is_document and message.text.startswith("Failed to load resource"):
            return
        self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def url(self, path):
        return self.base_url + path

    def goto(self, path):
        """Open `path` and check the page it shows; returns the response."""
        response = self.page.goto(self.url(path))
        self.check()
        return response

    def submit(self, button_text):
        """Press a form's button, wait for the next page and check it."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_text).click()
        self.check()

    def sign_in(self, username, password=PASSWORD):
        """Sign in with the password, then, if the service asks for it, a
        code from the person's authenticator app (computed from its key), or
        set one up (someone who must have one and has none)."""
        self.goto("/sign-in/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.submit("Sign in")
        if self.page.url.startswith(self.url("/sign-in/code/")):
            user = get_user_model().objects.get(username=username)
            self.enter_code(authenticator_code(user))
        elif self.page.url.startswith(self.url("/account/authenticator-app/")):
            self.set_up_authenticator()

    def set_up_authenticator(self):
        """On the set-up page: add the key shown to an "app", enter its code,
        then pass the recovery codes page."""
        key = b32decode(self.page.locator("#secret-key").inner_text().replace(" ", ""))
        self.page.get_by_label("Code from your authenticator app").fill(
            f"{TOTP(key).token():06d}"
        )
        self.submit("Continue")
        with self.page.expect_navigation():
            self.page.get_by_role("link", name="I have saved my recovery codes").click()
        self.check()

    def enter_code(self, code):
        """Type `code` on the second factor's page and continue."""
        self.page.get_by_label("Code", exact=True).fill(code)
        self.submit("Continue")

    def check(self):
        """Run axe-core on the current page; fail on any violation."""
        for attempt in range(3):
            self.page.wait_for_load_state("load")
            try:
                results = _axe.run(self.page)
                break
            except PlaywrightError as error:
                # A page that reloads itself (the paper-job page) may navigate
                # while axe starts: check the page it arrived at instead.
                if "Execution context was destroyed" not in str(error) or attempt == 2:
                    raise
        assert results.violations_count == 0, (
            f"axe-core found violations on {self.page.url}:\n"
            + results.generate_report()
        )
        self.checked.add(self.page.url)

    def finish(self):
        unchecked = [url for url in self.seen if url not in self.checked]
        assert not unchecked, f"pages shown but not checked with axe: {unchecked}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"


@pytest.fixture
def visit(page, live_server, transactional_db):
    visitor = Visitor(page, live_server.url)
    yield visitor
    visitor.finish()
