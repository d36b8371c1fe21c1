"""The open data API's data dictionary in a browser: public, axe-clean,
reflowing at 320 px; and a token made on the account page reads the API."""

import json
import urllib.request

from django.urls import reverse


def test_a_resident_reads_the_data_dictionary_without_signing_in(visit, cast):
    visit.goto(reverse("api:data_dictionary"))
    visit.check()
    page = visit.page
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Open data API: data dictionary"
    )
    assert page.get_by_role("link", name="Open Government Licence v3.0").count() == 1
    decisions = page.get_by_role("region", name="Fields of a decision record")
    assert "Published, subject to call-in" in decisions.inner_text()
    # Reflows at 320 px: the page itself never scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    visit.check()


def test_an_officer_makes_a_token_a_program_reads_the_api_with(visit, cast):
    from ..base import make_strategy

    make_strategy(cast, "Digital Strategy 2026–2030")
    visit.sign_in("officer")
    visit.goto(reverse("account_security"))
    visit.page.get_by_role("button", name="Make my API token").click()
    visit.check()
    token = visit.page.get_by_label("Your token").input_value()
    address = visit.url(reverse("api:strategy-list", args=["ashdown"]))
    request = urllib.request.Request(  # noqa: S310 (the test server)
        address, headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        titles = [s["title"] for s in json.load(response)["results"]]
    assert titles == ["Digital Strategy 2026–2030"]  # a draft: the officer's
    with urllib.request.urlopen(address) as response:  # noqa: S310
        assert json.load(response)["results"] == []  # the public's: nothing
