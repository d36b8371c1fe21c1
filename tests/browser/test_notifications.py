from django.urls import reverse

from governance import notifications
from governance.notifications import Follow, Frequency


def test_a_member_follows_the_council_and_chooses_a_weekly_digest(visit, cast):
    visit.sign_in("member")
    visit.goto("/council/ashdown/")
    visit.submit("Follow")
    page = visit.page
    assert (
        "You are following Ashdown Borough Council"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert page.get_by_role("button", name="Stop following").count() == 1

    visit.goto(reverse("notifications"))
    assert "Nothing you follow has changed" in page.locator("main").inner_text()
    page.get_by_label("A weekly digest").check()
    visit.submit("Save how often")
    assert (
        "Your choices are saved."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    follow = Follow.objects.get(user=cast.member)
    assert follow.frequency == Frequency.WEEKLY
    assert page.get_by_label("A weekly digest").is_checked()

    # The link in an e-mail: confirm, then done; used again, it says so.
    token = notifications.unsubscribe_token(follow)
    visit.goto(reverse("unsubscribe", args=[token]))
    visit.submit("Unsubscribe")
    assert "You have unsubscribed" in page.locator("h1").inner_text()
    visit.goto(reverse("unsubscribe", args=[token]))
    assert "Already unsubscribed" in page.locator("h1").inner_text()
    assert not Follow.objects.filter(user=cast.member).exists()
