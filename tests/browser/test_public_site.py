"""The public site in a browser: a resident with no account opens every kind
of public page; each is checked with axe (zero violations) and none scrolls
sideways at 320 CSS px."""

from django.urls import reverse

from ..base import build_business
from ..public.test_public_site import exempt_report, publish_strategies

WIDTH = 320


def test_every_kind_of_public_page_is_accessible_and_reflows(visit, cast):
    business = build_business(cast)
    workplan, review = publish_strategies(cast, business)
    exempt_report(cast, business)
    slug = cast.council_a.slug
    pages = [
        reverse("public:home", args=[slug]),
        reverse("public:meeting_list", args=[slug]),
        reverse("public:meeting_detail", args=[slug, business.meeting.pk]),
        reverse("public:report_detail", args=[slug, business.report.pk]),
        reverse("public:decision_list", args=[slug]),
        reverse("public:decision_detail", args=[slug, business.published_decision.pk]),
        reverse("public:forward_plan", args=[slug]),
        reverse("public:committee_list", args=[slug]),
        reverse("public:strategy_list", args=[slug]),
        reverse("public:strategy_detail", args=[slug, business.approved_strategy.pk]),
        reverse("public:workplan_detail", args=[slug, workplan.pk]),
        reverse("public:review_detail", args=[slug, review.pk]),
        reverse("public:accessibility", args=[slug]),
    ]
    page = visit.page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    too_wide = {}
    for path in pages:
        response = visit.goto(path)
        assert response.status == 200, path
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > WIDTH:
            too_wide[path] = scroll
    assert not too_wide, f"pages wider than the viewport: {too_wide}"
    # The menu names the council's sections and offers to sign in.
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto(pages[0])
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert page.get_by_role("link", name="Decisions", exact=True).count() >= 1


def test_the_public_site_at_the_councils_own_host_is_accessible_and_stays_there(
    visit, cast
):
    """At the council's own host name (`*.localhost` reaches this machine in
    Chromium), the same pages at the root, links that stay on that host,
    and "Sign in" on the service's own."""
    from governance.history import save_with_reason

    business = build_business(cast)
    council = cast.council_a
    council.public_host = "democracy.ashdown.localhost"
    save_with_reason(council, user=None, reason="Test set-up")
    port = visit.base_url.rsplit(":", 1)[1]
    visit.base_url = f"http://{council.public_host}:{port}"
    page = visit.page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    for path in ("/", f"/meetings/{business.meeting.pk}/", "/decisions/"):
        response = visit.goto(path)
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.set_viewport_size({"width": 1280, "height": 900})
    visit.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name=business.published_decision.title).click()
    visit.check()
    assert page.url == visit.url(f"/decisions/{business.published_decision.pk}/")
    sign_in = page.get_by_role("link", name="Sign in").get_attribute("href")
    assert sign_in.endswith("/sign-in/") and "democracy" not in sign_in
