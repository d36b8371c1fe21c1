"""A council administrator runs their council's people, committees and
departments in the app, and the person invited joins by the e-mailed link."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from governance.models import Membership


@pytest.mark.journeys
def test_an_administrator_invites_someone_who_joins_by_the_link(visit, cast):
    cast.officer.email = "officer@ashdown.example.gov.uk"
    cast.officer.save()
    page = visit.page
    visit.sign_in("administrator")
    page.get_by_role("link", name="People").first.click()
    visit.check()
    assert "officer@ashdown.example.gov.uk" in page.locator("main").inner_text()

    page.get_by_role("link", name="Invite someone").click()
    visit.check()
    visit.submit("Send invitation")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter their email address" in summary
    assert "Select their role" in summary
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Email address").fill("priya.shah@example.gov.uk")
    page.get_by_label("Officer").check()
    visit.submit("Send invitation")
    assert "Invitation sent" in page.locator(".govuk-notification-banner").inner_text()
    assert "priya.shah@example.gov.uk" in page.locator("main").inner_text()

    # Change a role, send a password link, then cancel and re-check the lists.
    page.get_by_role("link", name="Change role of Officer Tester").click()
    visit.check()
    page.get_by_label("Clerk (democratic services)").check()
    page.get_by_label("Reason for the change").fill("Moved to democratic services")
    visit.submit("Save role")
    assert Membership.objects.get(user=cast.officer).role == "clerk"
    page.get_by_role("link", name="Send password link to Officer Tester").click()
    visit.check()
    visit.submit("Send link")
    assert [m.to for m in mail.outbox][-1] == ["officer@ashdown.example.gov.uk"]
    page.get_by_role("link", name="End role of Member Tester").click()
    visit.check()
    visit.submit("End role")
    assert (
        "Enter why their role is ending"
        in page.locator(".govuk-error-summary").inner_text()
    )
    page.get_by_label("Why is their role ending?").fill("Not re-elected")
    visit.submit("End role")
    names = page.locator(".govuk-summary-card__title").all_inner_texts()
    assert "Member Tester" not in names and "Officer Tester" in names

    # The invited person follows the link, signed out.
    link = urlsplit(re.search(r"https?://\S+", mail.outbox[0].body).group(0)).path
    visit.page.context.clear_cookies()
    visit.goto(link)
    assert "Join Ashdown Borough Council" in page.locator("h1").inner_text()
    page.get_by_label("Username").fill("pshah")
    page.get_by_label("Password", exact=True).fill("A-long-new-password-4")
    page.get_by_label("Password confirmation").fill("A-long-new-password-4")
    visit.submit("Create account and join")
    assert "You now have the role of officer" in page.locator("main").inner_text()
    user = get_user_model().objects.get(username="pshah")
    assert Membership.objects.get(user=user).role == "officer"
    # The link is spent.
    response = visit.goto(link)
    assert response.status == 404


def test_a_clerk_adds_a_committee_and_an_officer_a_department(visit, cast):
    page = visit.page
    visit.sign_in("clerk")
    visit.goto("/council/ashdown/")
    page.get_by_role("link", name="Add a committee").click()
    visit.check()
    page.locator("#id_name").fill("Finance and Performance Committee")
    page.get_by_label("Decision-making committee").check()
    # A decision-making committee has its councillors listed.
    page.locator("#id_members-0-name").fill("Councillor Jo Smith")
    visit.submit("Save committee")
    assert "Finance and Performance Committee" in page.locator("main").inner_text()
    page.get_by_role("link", name="Change Finance and Performance Committee").click()
    visit.check()
    visit.submit("Save committee")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the reason for the change" in summary

    visit.page.context.clear_cookies()
    visit.sign_in("officer")
    visit.goto("/council/ashdown/")
    page.get_by_role("link", name="Add a department").click()
    visit.check()
    page.get_by_label("Name").fill("Revenues and Benefits")
    visit.submit("Save department")
    assert "Revenues and Benefits" in page.locator("main").inner_text()


def test_forgotten_password_pages(visit, cast):
    page = visit.page
    visit.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    visit.check()
    visit.submit("Send link")
    assert (
        "Enter your email address" in page.locator(".govuk-error-summary").inner_text()
    )
    page.get_by_label("Email").fill("nobody@example.gov.uk")
    visit.submit("Send link")
    assert "Check your email" in page.locator("h1").inner_text()
    visit.goto("/sign-in/new-password/MQ/forged/")
    assert "This link does not work" in page.locator("h1").inner_text()
