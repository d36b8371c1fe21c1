"""The session and the person, with their roles, councils and second-factor
devices, read in one query (`governance/principal.py`), afresh on every
request: nothing about who someone is outlives the request."""

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance import principal
from governance.models import Membership

HOME = "governance:home"


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries.captured_queries]


def test_the_session_and_the_person_are_one_query_once_the_session_is_known(
    cast, client_for
):
    client = client_for(cast.member)
    url = reverse(HOME)
    principal._GUESSES.clear()  # as in another process than the sign-in's
    first, first_queries = queries_of(client, url)
    assert first.status_code == 200
    reads = [sql for sql in first_queries if "django_session" in sql]
    assert len(reads) == 2  # the session, then the person (with the session's column)
    again, again_queries = queries_of(client, url)
    assert again.status_code == 200
    reads = [sql for sql in again_queries if "django_session" in sql]
    assert len(reads) == 1
    assert '"auth_user"' in reads[0]
    assert cast.member.get_full_name().encode() in again.content


def test_a_session_ended_elsewhere_signs_out_at_once(cast, client_for):
    client = client_for(cast.member)
    url = reverse(HOME)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # the session is now known
    Session.objects.all().delete()  # signed out elsewhere (or expired)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_expired_session_is_not_read(cast, client_for):
    client = client_for(cast.member)
    url = reverse(HOME)
    client.get(url)
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(url).status_code == 302


def test_a_person_made_inactive_or_without_a_role_is_refused_at_once(
    cast, business, client_for
):
    client = client_for(cast.member)
    url = reverse("strategy:strategy_detail", args=[business.approved_strategy.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=cast.member).update(ended_at=timezone.now())
    assert client.get(url).status_code == 404
    Membership.objects.filter(user=cast.member).update(ended_at=None)
    assert client.get(url).status_code == 200
    type(cast.member).objects.filter(pk=cast.member.pk).update(is_active=False)
    assert client.get(url).status_code == 302


def test_a_wrong_guess_reads_the_sessions_own_person(cast, client_for):
    """The session key's remembered user is only a guess: the session read
    says whose it is."""
    client = client_for(cast.member)
    url = reverse(HOME)
    client.get(url)
    key = client.cookies["sessionid"].value
    principal._GUESSES[key] = cast.officer.pk
    response = client.get(url)
    assert response.status_code == 200
    assert cast.member.get_full_name().encode() in response.content
    assert cast.officer.get_full_name().encode() not in response.content
    assert principal._GUESSES[key] == cast.member.pk


def test_the_principal_carries_roles_councils_and_devices(cast):
    from tests.base import give_authenticator

    give_authenticator(cast.clerk)
    clerk = principal.load_principal(cast.clerk.pk)
    assert clerk == cast.clerk
    assert getattr(clerk, principal.ROLES_ATTRIBUTE) == {cast.council_a.pk: "clerk"}
    assert getattr(clerk, principal.ORGANISATIONS_ATTRIBUTE) == [cast.council_a]
    assert any(
        device.startswith("otp_totp.totpdevice/")
        for device in getattr(clerk, principal.DEVICES_ATTRIBUTE)
    )
    assert principal.load_principal(10**9) is None
    assert principal.load_principal("not a number") is None
