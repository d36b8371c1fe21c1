"""A council's people, managed by its administrators in the app.

Invitations by e-mail (the only way to reach someone without a role in the
council), roles, ending a role, password-reset links; and the rules: no
other council's people, nobody's password seen or set by anyone else, a
council always keeps an administrator, and a link works once.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions.models import Committee
from governance import people as people_rules
from governance.choices import Role
from governance.models import Invitation, Membership
from governance.permissions import roles_of
from workplan.models import Department

from ..base import (
    PASSWORD,
    make_department,
    make_invitation,
    make_person,
    sign_in,
    with_version,
)


def invite(client, cast, **fields):
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@example.gov.uk",
        "role": "officer",
        "job_title": "Digital Lead",
        **fields,
    }
    return client.post(reverse("governance:person_invite", args=["ashdown"]), data)


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.fixture
def admin_client(cast, client_for):
    return client_for(cast.administrator)


def test_an_administrator_sees_only_their_councils_people(cast, admin_client):
    response = admin_client.get(reverse("governance:people", args=["ashdown"]))
    assert response.status_code == 200
    shown = {m.user.username for m in response.context["memberships"]}
    assert shown == {"member", "officer", "clerk", "administrator"}
    assert b"other_council" not in response.content


def test_an_invitation_creates_an_account_with_the_persons_own_password(
    cast, admin_client, client
):
    response = invite(admin_client, cast)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya.shah@example.gov.uk"]
    assert "Ashdown Borough Council" in message.subject
    link = link_in(message)
    invitation = Invitation.objects.get()
    # Only a hash of the token is kept.
    assert link.rstrip("/").rsplit("/", 1)[1] not in invitation.token_hash
    assert not get_user_model().objects.filter(email="priya.shah@example.gov.uk")

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert b"Create account and join" in page.content
    response = client.post(
        link,
        {
            "first_name": "Priya",
            "last_name": "Shah",
            "username": "pshah",
            "password1": "A-long-new-password-4",
            "password2": "A-long-new-password-4",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="pshah")
    assert user.email == "priya.shah@example.gov.uk"
    assert user.check_password("A-long-new-password-4")
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (cast.council_a, "officer")
    assert membership.job_title == "Digital Lead"
    assert membership.history.first().history_user == user
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # The link works once.
    client.logout()
    assert client.get(link).status_code == 404


def test_an_invitation_link_that_is_forged_expired_or_cancelled_is_refused(
    cast, client
):
    expired = make_invitation(
        cast.council_a,
        cast.administrator,
        token="expired-token-0123456789",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    cancelled = make_invitation(
        cast.council_a,
        cast.administrator,
        token="cancelled-token-0123456789",
        cancelled_at=timezone.now(),
    )
    for token in ("forged", "expired-token-0123456789", "cancelled-token-0123456789"):
        url = reverse("governance:invitation_accept", args=[token])
        assert client.get(url).status_code == 404
        response = client.post(
            url,
            with_version(
                client,
                url,
                {
                    "first_name": "A",
                    "last_name": "B",
                    "username": "sneaky",
                    "password1": "A-long-new-password-4",
                    "password2": "A-long-new-password-4",
                },
            ),
        )
        assert response.status_code == 404
        assert b"This invitation link does not work" in response.content
    assert not get_user_model().objects.filter(username="sneaky").exists()
    assert expired.organisation.memberships.count() == 4
    assert cancelled.accepted_at is None


def test_inviting_another_councils_person_gives_them_nothing_until_they_accept(
    cast, admin_client, client_for
):
    """The takeover the probe found, tried through the app: the Ashdown
    administrator can only invite the Brackley officer's address; the
    officer's password is never touched and only they can accept."""
    victim = cast.other_council
    victim.email = "officer@brackley.example.gov.uk"
    victim.save()
    password_before = victim.password
    invite(admin_client, cast, email="Officer@Brackley.example.gov.uk")
    assert not Membership.objects.filter(user=victim, organisation=cast.council_a)
    link = link_in(mail.outbox[0])

    # The administrator (or anyone else signed in) cannot accept it for them.
    response = admin_client.post(link, {})
    assert response.status_code == 403
    anonymous = client_for(None)
    page = anonymous.get(link)
    assert b"Sign in to accept" in page.content
    assert anonymous.post(link, {}).status_code == 403
    assert not Membership.objects.filter(user=victim, organisation=cast.council_a)

    # The person themselves accepts, signed in as their own account.
    own = client_for(victim)
    assert own.post(link, {}).status_code == 302
    assert Membership.objects.get(user=victim, organisation=cast.council_a).role == (
        "officer"
    )
    victim.refresh_from_db()
    assert victim.password == password_before


def test_an_administrator_cannot_invite_someone_who_already_has_a_role(
    cast, admin_client
):
    cast.officer.email = "officer@ashdown.example.gov.uk"
    cast.officer.save()
    response = invite(admin_client, cast, email="officer@ashdown.example.gov.uk")
    assert response.status_code == 200
    assert "already has a role" in str(response.context["form"].errors)
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_bad_invitation_input_is_refused_with_govuk_messages(cast, admin_client):
    response = invite(admin_client, cast, email="not-an-address", role="superuser")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Enter an email address in the correct format" in str(errors["email"])
    assert "role" in errors
    assert b"govuk-error-summary" in response.content
    assert not Invitation.objects.exists()


def test_an_administrator_changes_a_role_with_a_reason(cast, admin_client):
    membership = Membership.objects.get(user=cast.officer)
    url = reverse("governance:membership_update", args=["ashdown", membership.pk])
    response = admin_client.post(
        url,
        with_version(
            admin_client,
            url,
            {"role": "clerk", "job_title": "", "change_reason": "Moved team"},
        ),
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.CLERK
    latest = membership.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        cast.administrator,
        "Moved team",
    )


def test_the_only_administrator_cannot_remove_their_own_role(cast, admin_client):
    membership = Membership.objects.get(user=cast.administrator)
    history = membership.history.count()
    url = reverse("governance:membership_update", args=["ashdown", membership.pk])
    response = admin_client.post(
        url,
        with_version(
            admin_client,
            url,
            {"role": "member", "job_title": "", "change_reason": "Oops"},
        ),
    )
    assert response.status_code == 409
    assert "only administrator" in str(response.context["form"].errors)
    end = reverse("governance:membership_end", args=["ashdown", membership.pk])
    assert admin_client.post(end, {"reason": "Leaving"}).status_code == 409
    membership.refresh_from_db()
    assert (membership.role, membership.ended_at) == (Role.ADMINISTRATOR, None)
    assert membership.history.count() == history


def test_ending_a_role_removes_all_access_but_keeps_the_records_naming_them(
    cast, business, admin_client, client_for
):
    membership = Membership.objects.get(user=cast.officer)
    url = reverse("governance:membership_end", args=["ashdown", membership.pk])
    assert (
        admin_client.post(
            url, with_version(admin_client, url, {"reason": "Left the council"})
        ).status_code
        == 302
    )
    membership.refresh_from_db()
    assert membership.ended_at is not None
    officer = get_user_model().objects.get(pk=cast.officer.pk)
    assert roles_of(officer) == {}
    client = Client()
    sign_in(client, officer)
    strategy_url = business.draft_strategy.get_absolute_url()
    assert client.get(strategy_url).status_code == 404
    # The strategy still names its lead officer.
    business.draft_strategy.refresh_from_db()
    assert business.draft_strategy.lead_officer == membership
    # No longer listed; inviting them again gives the role back on the same row.
    people = admin_client.get(reverse("governance:people", args=["ashdown"]))
    assert membership not in people.context["memberships"]
    officer.email = "officer@ashdown.example.gov.uk"
    officer.save()
    invite(admin_client, cast, email=officer.email, role="member")
    assert client.post(link_in(mail.outbox[-1]), {}).status_code == 302
    membership.refresh_from_db()
    assert (membership.ended_at, membership.role) == (None, Role.MEMBER)


def test_a_password_reset_link_goes_only_to_the_persons_own_address(
    cast, admin_client, client
):
    cast.officer.email = "officer@ashdown.example.gov.uk"
    cast.officer.save()
    membership = Membership.objects.get(user=cast.officer)
    url = reverse(
        "governance:membership_password_reset", args=["ashdown", membership.pk]
    )
    page = admin_client.get(url)
    assert b"officer@ashdown.example.gov.uk" in page.content
    response = admin_client.post(url, with_version(admin_client, url, {}))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["officer@ashdown.example.gov.uk"]]
    # The administrator's pages never show the link.
    listing = admin_client.get(response["Location"])
    link = link_in(mail.outbox[0])
    assert link.encode() not in listing.content

    client.logout()
    form = client.get(link, follow=True)
    assert b"Choose a new password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Fresh-password-991", "new_password2": "Fresh-password-991"},
    )
    assert done.status_code == 302
    cast.officer.refresh_from_db()
    assert cast.officer.check_password("Fresh-password-991")
    # The link works once.
    again = client.get(link, follow=True)
    assert b"This link does not work" in again.content


def test_forgotten_password_says_the_same_whatever_the_address(cast, client):
    cast.member.email = "member@ashdown.example.gov.uk"
    cast.member.save()
    url = reverse("password_reset")
    known = client.post(
        url, with_version(client, url, {"email": "member@ashdown.example.gov.uk"})
    )
    unknown = client.post(
        url, with_version(client, url, {"email": "nobody@example.gov.uk"})
    )
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["member@ashdown.example.gov.uk"]]
    empty = client.post(url, with_version(client, url, {"email": ""}))
    assert b"Enter your email address" in empty.content
    cast.member.refresh_from_db()
    assert cast.member.check_password(PASSWORD)


def test_a_forged_password_reset_link_changes_nothing(cast, client):
    url = reverse("password_reset_confirm", args=["MQ", "set-password"])
    page = client.get(url, follow=True)
    assert b"This link does not work" in page.content
    client.post(
        url,
        with_version(
            client,
            url,
            {
                "new_password1": "Hijack-password-1",
                "new_password2": "Hijack-password-1",
            },
        ),
    )
    for user in get_user_model().objects.all():
        assert not user.check_password("Hijack-password-1")


def test_clerks_add_and_rename_committees_of_their_own_council_only(cast, client_for):
    client = client_for(cast.clerk)
    add = reverse("decisions:committee_create", args=["ashdown"])
    members = {
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "Councillor A. Chair",
        "members-0-role": "chair",
    }
    response = client.post(
        add, {"name": "Finance Committee", "kind": "decision-making", **members}
    )
    assert response.status_code == 302
    committee = Committee.objects.get(name="Finance Committee")
    assert committee.organisation == cast.council_a
    # The same name again is refused with a message, not a 500.
    again = client.post(add, {"name": "finance committee", "kind": "other", **members})
    assert again.status_code == 200
    assert "already has a committee" in str(again.context["form"].errors)
    # Another council's committee cannot be reached through this council.
    theirs = Committee.objects.filter(organisation=cast.council_b).first()
    for slug in ("ashdown", "brackley"):
        url = reverse("decisions:committee_update", args=[slug, theirs.pk])
        assert client.get(url).status_code == 404
        data = {"name": "Taken", "kind": "other", "change_reason": "x"}
        assert client.post(url, with_version(client, url, data)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.organisation == cast.council_b
    assert theirs.name != "Taken"


def test_officers_keep_the_department_list(cast, client_for):
    client = client_for(cast.officer)
    add = reverse("workplan:department_create", args=["ashdown"])
    assert client.post(add, {"name": "Planning"}).status_code == 302
    assert Department.objects.get(name="Planning").organisation == cast.council_a
    theirs = make_department(cast.council_b, "Brackley Housing")
    url = reverse("workplan:department_update", args=["ashdown", theirs.pk])
    assert (
        client.post(
            url, with_version(client, url, {"name": "X", "change_reason": "x"})
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.name == "Brackley Housing"
    assert client_for(cast.member).get(add).status_code == 403


def test_the_people_page_query_count_is_flat_in_the_number_of_people(
    cast, admin_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..base import give_role, make_person

    url = reverse("governance:people", args=["ashdown"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    def add(first, last):
        for n in range(first, last):
            give_role(make_person(f"person{n}"), cast.council_a, Role.MEMBER)
            make_invitation(
                cast.council_a,
                cast.administrator,
                token=f"token-{n}-0123456789",
                email=f"p{n}@example.gov.uk",
            )

    add(0, 3)
    few = count_queries()
    add(3, 12)
    many = count_queries()
    assert few == many


def test_an_administrator_resets_someones_lost_authenticator_app(cast, admin_client):
    from governance.second_factor import authenticator_of, recovery_codes_of

    membership = Membership.objects.get(user=cast.clerk)
    assert authenticator_of(cast.clerk) is not None
    password_before = get_user_model().objects.get(pk=cast.clerk.pk).password
    url = reverse(
        "governance:membership_second_factor_reset", args=["ashdown", membership.pk]
    )
    empty = admin_client.post(url, with_version(admin_client, url, {"reason": ""}))
    assert b"Enter why you are resetting their app" in empty.content
    assert authenticator_of(cast.clerk) is not None
    assert (
        admin_client.post(
            url, with_version(admin_client, url, {"reason": "Phone lost"})
        ).status_code
        == 302
    )
    assert authenticator_of(cast.clerk) is None
    assert recovery_codes_of(cast.clerk) is None
    assert get_user_model().objects.get(pk=cast.clerk.pk).password == password_before
    latest = membership.history.first()
    assert latest.history_user == cast.administrator
    assert latest.history_change_reason == "Authenticator app reset: Phone lost"


def test_an_administrator_cannot_reset_an_operators_or_their_own_app(
    cast, admin_client
):
    from governance.second_factor import authenticator_of

    own = Membership.objects.get(user=cast.administrator)
    url = reverse("governance:membership_second_factor_reset", args=["ashdown", own.pk])
    assert (
        admin_client.post(
            url, with_version(admin_client, url, {"reason": "x"})
        ).status_code
        == 409
    )
    assert authenticator_of(cast.administrator) is not None
    cast.clerk.is_superuser = True
    cast.clerk.save()
    clerk = Membership.objects.get(user=cast.clerk)
    url = reverse(
        "governance:membership_second_factor_reset", args=["ashdown", clerk.pk]
    )
    response = admin_client.post(url, with_version(admin_client, url, {"reason": "x"}))
    assert response.status_code == 409
    assert b"runs this installation" in response.content
    assert authenticator_of(cast.clerk) is not None


def test_an_invitation_the_mail_server_refuses_is_not_kept(cast, admin_client):
    """The mail server (a loopback port nobody listens on) cannot be
    reached: the administrator is told, and no invitation is left behind."""
    import socket

    from django.test import override_settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 2},
        }
    }
    with override_settings(MAILERS=unreachable):
        response = invite(admin_client, cast)
    assert response.status_code == 409
    assert b"The email could not be sent" in response.content
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_administrators_removing_each_other_at_once_leave_one():
    """Each demotes the other at the same moment, every round: the council's
    memberships are locked in one order, so one waits, then is refused."""
    from tests.base import build_cast, make_person, race

    cast = build_cast()
    second = make_person("second_admin", cast.council_a, Role.ADMINISTRATOR)
    first = cast.administrator

    def demote(by, membership):
        def action(barrier):
            barrier.wait()
            try:
                people_rules.change_role(
                    membership, role=Role.MEMBER, job_title="", by=by, reason="Race"
                )
            except people_rules.PeopleRuleBroken:
                return "refused"
            return "done"

        return action

    for _round in range(5):
        mine, theirs = (
            Membership.objects.get(user=user, organisation=cast.council_a)
            for user in (first, second)
        )
        results = race(demote(first, theirs), demote(second, mine))
        assert sorted(results) == ["done", "refused"], results
        admins = Membership.objects.filter(
            organisation=cast.council_a, role=Role.ADMINISTRATOR
        )
        assert admins.count() == 1
        # Put the demoted one back for the next round.
        demoted = Membership.objects.get(
            organisation=cast.council_a, role=Role.MEMBER, user__in=[first, second]
        )
        demoted.role = Role.ADMINISTRATOR
        demoted.save()


def test_someone_whose_role_ended_is_offered_only_where_a_record_already_names_them(
    cast, business, admin_client, client_for
):
    from strategy.forms import StrategyForm

    from ..strategy.test_strategy_pages import form_data

    leaver = make_person("leaver", cast.council_a, Role.OFFICER)
    leaving = Membership.objects.get(user=leaver)
    strategy = business.draft_strategy
    strategy.lead_officer = leaving
    strategy.save()
    people_rules.end_membership(leaving, by=cast.administrator, reason="Left")

    # A new strategy cannot name them; the one that does keeps them.
    new = StrategyForm(organisation=cast.council_a)
    assert leaving not in new.fields["lead_officer"].queryset
    existing = StrategyForm(instance=strategy, organisation=cast.council_a)
    assert leaving in existing.fields["lead_officer"].queryset
    client = client_for(cast.officer)
    url = reverse("strategy:strategy_update", args=[strategy.pk])
    page = client.get(url)
    response = client.post(
        url, with_version(client, url, form_data(page, change_reason="Typo"))
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.lead_officer == leaving


# --- the acceptance form sent twice --------------------------------------------------


NEW_ACCOUNT = {
    "first_name": "Priya",
    "last_name": "Shah",
    "username": "pshah",
    "password1": "A-long-new-password-4",
    "password2": "A-long-new-password-4",
}


def test_an_invitation_accepted_and_sent_again_makes_nothing_new(cast):
    make_invitation(cast.council_a, cast.administrator, token="twice-token-0123456789")
    url = reverse("governance:invitation_accept", args=["twice-token-0123456789"])
    accepter = Client()
    assert accepter.post(url, NEW_ACCOUNT).status_code == 302
    users = get_user_model().objects.count()

    # Back and accept again: signed in as the account it made.
    again = accepter.post(url, NEW_ACCOUNT)
    assert again.status_code == 302
    assert again["Location"] == reverse("governance:home")
    home = accepter.get(again["Location"]).content.decode()
    assert "This invitation was already accepted" in home
    # Another tab's copy sent without the session (or by anyone else): told
    # to sign in, nothing made.
    other = Client().post(url, {**NEW_ACCOUNT, "username": "pshah2"})
    assert other.status_code == 409
    assert b"This invitation has already been accepted" in other.content
    assert b"sign in" in other.content
    assert get_user_model().objects.count() == users
    assert Membership.objects.filter(user__username="pshah").count() == 1
    # A link never accepted still answers 404 alike, GET or POST.
    forged = reverse("governance:invitation_accept", args=["forged-token-0123456789"])
    assert Client().post(forged, NEW_ACCOUNT).status_code == 404


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_username", [True, False])
def test_an_invitation_accepted_twice_at_once_makes_one_account(same_username):
    from ..base import build_cast, race

    cast = build_cast()
    make_invitation(cast.council_a, cast.administrator, token="race-token-0123456789")
    url = reverse("governance:invitation_accept", args=["race-token-0123456789"])

    def sender(n):
        client = Client(raise_request_exception=False)
        client.get(url)
        username = "pshah" if same_username else f"pshah{n}"

        def act(barrier):
            barrier.wait(timeout=10)
            response = client.post(url, {**NEW_ACCOUNT, "username": username})
            return response.status_code

        return act

    statuses = sorted(race(sender(1), sender(2)))

    assert statuses == [302, 409], statuses
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None
    assert get_user_model().objects.filter(email=invitation.email).count() == 1
    assert Membership.objects.filter(user__email=invitation.email).count() == 1
