"""Failed sign-ins are throttled per username and address together."""

from django.urls import reverse

from ..base import PASSWORD


def attempt(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_a_wrong_password_gets_the_govuk_error(cast, client):
    response = attempt(client, "officer", "wrong")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "not correct" in response.content.decode()


def test_five_failures_lock_out_that_username_from_that_address(cast, client):
    for _ in range(4):
        assert attempt(client, "officer", "wrong").status_code == 200
    locked = attempt(client, "officer", "wrong")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    # The right password does not get through while locked.
    assert attempt(client, "officer", PASSWORD).status_code == 429


def test_a_lock_out_does_not_spread_to_other_people_or_other_addresses(cast, client):
    for _ in range(5):
        attempt(client, "officer", "wrong")
    # A colleague at the same address can still sign in ...
    assert attempt(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    # ... and so can the officer from another address.
    assert (
        attempt(client, "officer", PASSWORD, address="198.51.100.7").status_code == 302
    )


def test_a_successful_sign_in_resets_the_count(cast, client):
    for _ in range(4):
        attempt(client, "officer", "wrong")
    assert attempt(client, "officer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "officer", "wrong").status_code == 200
