"""Failed sign-ins are throttled per username (from any address) and per
address (across usernames), with the client's real address behind trusted
proxies only (settings: SIGN_IN_FAILURE_LIMITS, TRUSTED_PROXY_COUNT)."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from governance.sign_in_throttle import client_address

from ..base import PASSWORD

USERNAME_LIMIT = 10
ADDRESS_LIMIT = 30


def attempt(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def main_text(response):
    """The page's <main> without form values (the CSRF token, the username
    typed), which differ from one request to the next."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'value="[^"]*"', "", main)


def test_the_limits_are_the_documented_ones(settings):
    assert settings.SIGN_IN_FAILURE_LIMITS == {
        "username": USERNAME_LIMIT,
        "ip_address": ADDRESS_LIMIT,
    }
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_a_wrong_password_gets_the_govuk_error(cast, client):
    response = attempt(client, "officer", "wrong")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "not correct" in response.content.decode()


def test_one_username_tried_from_many_addresses_is_locked_out(cast, client):
    for number in range(1, USERNAME_LIMIT):
        response = attempt(client, "officer", "wrong", address=f"198.51.100.{number}")
        assert response.status_code == 200
    locked = attempt(client, "officer", "wrong", address="198.51.100.99")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    # The right password, from an address never seen, does not get through.
    assert attempt(client, "officer", PASSWORD, address="203.0.113.5").status_code == (
        429
    )
    # A colleague at one of those addresses is not locked out.
    assert attempt(client, "clerk", PASSWORD, address="198.51.100.1").status_code == (
        302
    )


def test_a_hundred_usernames_from_one_address_are_locked_out_and_nothing_leaks(
    cast, client
):
    real = {"member", "officer", "clerk", "administrator", "other_council"}
    usernames = sorted(real) + [f"nobody-{n:02d}" for n in range(95)]
    answers = [attempt(client, name, "Winter2026!") for name in usernames]
    statuses = [response.status_code for response in answers]
    assert statuses == [200] * (ADDRESS_LIMIT - 1) + [429] * (100 - ADDRESS_LIMIT + 1)
    # Before and after the lock, a real username and a made-up one get the
    # same page: nothing says which accounts exist.
    assert main_text(answers[0]) == main_text(answers[ADDRESS_LIMIT - 2])
    assert main_text(answers[ADDRESS_LIMIT]) == main_text(answers[-1])
    locked_real = attempt(client, "officer", "Winter2026!")
    assert main_text(locked_real) == main_text(answers[-1])
    assert "officer" not in main_text(locked_real)
    # Everyone at that address is locked out, the right password or not ...
    assert attempt(client, "member", PASSWORD).status_code == 429
    # ... but the same people elsewhere are not: one failure each so far.
    assert attempt(client, "member", PASSWORD, address="203.0.113.7").status_code == (
        302
    )


def test_a_forwarded_for_header_from_an_untrusted_client_does_not_evade_the_lock(
    cast, client, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(ADDRESS_LIMIT):
        response = attempt(
            client,
            f"nobody-{number}",
            "wrong",
            address="192.0.2.44",
            x_forwarded_for=f"203.0.113.{number}",
        )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "192.0.2.44"
    }
    fresh_header = attempt(
        client, "officer", PASSWORD, address="192.0.2.44", x_forwarded_for="10.9.9.9"
    )
    assert fresh_header.status_code == 429


def test_behind_one_trusted_proxy_each_client_is_counted_apart(cast, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for number in range(ADDRESS_LIMIT):
        response = attempt(
            client,
            f"nobody-{number}",
            "wrong",
            address=proxy,
            # The client writes anything it likes on the left; the proxy
            # appends the address it saw.
            x_forwarded_for=f"203.0.113.{number}, 198.51.100.20",
        )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.20"
    }
    # Another client through the same proxy is not locked out.
    other_client = attempt(
        client, "officer", PASSWORD, address=proxy, x_forwarded_for="198.51.100.21"
    )
    assert other_client.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, "192.0.2.1"),
        (0, "203.0.113.9", "192.0.2.1"),
        (1, None, "192.0.2.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
        (1, "6.6.6.6, 2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_rightmost_but_one_per_trusted_proxy(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR="192.0.2.1", **headers)
    assert client_address(request) == expected


def test_tries_while_locked_do_not_extend_the_lock_which_ends_after_the_cool_off(
    cast, client
):
    for _ in range(USERNAME_LIMIT):
        attempt(client, "officer", "wrong")
    locked_at = AccessAttempt.objects.get().attempt_time
    for _ in range(5):
        assert attempt(client, "officer", "wrong").status_code == 429
    counted = AccessAttempt.objects.get()
    assert counted.failures_since_start == USERNAME_LIMIT
    assert counted.attempt_time == locked_at
    # Fifteen minutes after the failure that locked it, the lock is gone.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15))
    assert attempt(client, "officer", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_only_that_persons_own_failures(cast, client):
    for _ in range(4):
        attempt(client, "officer", "wrong")
    for number in range(20):
        attempt(client, f"nobody-{number}", "wrong")
    assert attempt(client, "officer", PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username="officer").exists()
    # Nine more of the officer's own mistakes do not lock them out ...
    for _ in range(USERNAME_LIMIT - 1):
        assert attempt(client, "officer", "wrong").status_code == 200
    # ... but the address's count went on: 20 + 9, and the next is the 30th.
    assert attempt(client, "nobody-99", "wrong").status_code == 429


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("", "0"),
        ("2", "2"),
        ("-1", "TRUSTED_PROXY_COUNT must be 0 or more (it is -1)."),
        ("two", "TRUSTED_PROXY_COUNT='two' is not a whole number."),
    ],
)
def test_the_trusted_proxy_count_comes_from_the_environment_or_stops_loudly(
    value, printed
):
    environment = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.TRUSTED_PROXY_COUNT)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TRUSTED_PROXY_COUNT": value,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed in (result.stdout + result.stderr)
    assert (result.returncode == 0) == printed.isdigit()
