"""A council's public site at its own host name (`Organisation.public_host`,
public/hosts.py): the same pages at the root, links for the way the site
was reached, the service's own pages not served there."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from governance.forms import OrganisationSettingsForm
from governance.history import save_with_reason

HOST = "democracy.council-a.example.gov.uk"


def give_host(council, host=HOST):
    council.public_host = host
    save_with_reason(council, user=None, reason="Test set-up")


def test_the_same_page_is_served_under_the_prefix_and_at_the_councils_host(
    client, cast, business
):
    council = cast.council_a
    give_host(council)
    decision = business.published_decision
    by_prefix = client.get(
        reverse("public:decision_detail", args=[council.slug, decision.pk])
    )
    by_host = client.get(f"/decisions/{decision.pk}/", HTTP_HOST=HOST)
    assert by_prefix.status_code == by_host.status_code == 200
    assert decision.title in by_host.content.decode()
    prefix_page = by_prefix.content.decode()
    host_page = by_host.content.decode()
    # Links follow the way the site was reached.
    assert f'href="/public/{council.slug}/decisions/"' in prefix_page
    assert 'href="/decisions/"' in host_page
    assert f"/public/{council.slug}/" not in host_page
    # The sign-in link leads to the service's own host.
    assert f'href="{settings.SITE_URL}/sign-in/"' in host_page
    assert by_host["Cache-Control"].startswith("public")
    assert by_host["ETag"] != by_prefix["ETag"]

    home = client.get("/", HTTP_HOST=HOST)
    assert home.status_code == 200
    assert decision.title in home.content.decode()
    sitemap = client.get("/sitemap.xml", HTTP_HOST=HOST).content.decode()
    assert f"<loc>http://{HOST}/decisions/{decision.pk}/</loc>" in sitemap
    assert "/public/" not in sitemap
    feed = client.get("/decisions/feed.atom", HTTP_HOST=HOST).content.decode()
    assert f"http://{HOST}/decisions/{decision.pk}/" in feed
    meeting = client.get(f"/meetings/{business.meeting.pk}/", HTTP_HOST=HOST)
    assert meeting.status_code == 200


def test_another_councils_records_and_the_service_are_not_served_at_the_host(
    client, cast, business
):
    give_host(cast.council_a)
    other = cast.council_b
    for url in (
        f"/public/{other.slug}/",
        f"/public/{cast.council_a.slug}/",
        f"/{other.slug}/",
        f"/decisions/{business.draft_decision.pk}/",
        "/no-such-page/",
    ):
        assert client.get(url, HTTP_HOST=HOST).status_code == 404, url
    # The service's own pages are on the service's host.
    for url in ("/sign-in/", "/admin/", "/api/v1/councils/"):
        response = client.get(url, HTTP_HOST=HOST)
        assert response.status_code == 302, url
        assert response["Location"] == settings.SITE_URL + url
    # Signed in or not, the host serves the public page.
    client.force_login(cast.officer)
    response = client.get("/decisions/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")


@override_settings(ALLOWED_HOSTS=["127.0.0.1", HOST])
def test_a_host_not_allowed_is_a_bad_request(client, cast):
    give_host(cast.council_a)
    assert client.get("/", HTTP_HOST="unknown.example.org").status_code == 400
    assert client.get("/", HTTP_HOST=HOST).status_code == 200


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("https://democracy.example.gov.uk/", "without https://"),
        ("democracy.example.gov.uk:8443", "without https://"),
        ("democracy", "Enter a host name like"),
        ("-bad-.example.gov.uk", "Enter a host name like"),
        ("10.0.0.1", "Enter a host name like"),
        ("127.0.0.1", "Enter a host name like"),
    ],
)
def test_the_settings_form_refuses_what_is_not_a_host_name(cast, value, error):
    council = cast.council_a
    form = settings_form(council, value)
    assert not form.is_valid()
    assert error in str(form.errors["public_host"])


def settings_form(council, value):
    data = {
        "bank_holiday_region": council.bank_holiday_region,
        "nation": council.nation,
        "decisions_subject_to_call_in": "on",
        "takes_effect_without_call_in": council.takes_effect_without_call_in,
        "default_publication_time": "9am",
        "democratic_settings_managed_by": council.democratic_settings_managed_by,
        "public_host": value,
        "change_reason": "Our own address",
        "version": council.version,
    }
    return OrganisationSettingsForm(data, instance=council)


def test_the_settings_form_keeps_a_host_name_lower_case_and_unique(cast):
    give_host(cast.council_b, "democracy.council-b.example.gov.uk")
    form = settings_form(cast.council_a, " Democracy.Council-B.Example.GOV.uk. ")
    assert not form.is_valid()
    assert "Another council already uses this host name" in str(
        form.errors["public_host"]
    )
    form = settings_form(cast.council_a, " Democracy.Council-A.Example.GOV.uk ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["public_host"] == HOST
    form = settings_form(cast.council_a, "")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["public_host"] is None
