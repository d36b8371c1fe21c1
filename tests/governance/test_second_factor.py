"""The second factor: a code from an authenticator app (or a recovery code)
after the password, required for administrators, clerks and superusers, and
for everyone in a council that asks for it (governance/second_factor.py)."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from decisions.models import Meeting
from governance import second_factor
from governance.choices import Role

from ..base import (
    PASSWORD,
    authenticator_code,
    build_cast,
    make_person,
    race,
    sign_in,
    with_version,
)

CODE_PAGE = reverse("sign_in_code")
SET_UP_PAGE = reverse("second_factor_set_up")


def password_step(client, username):
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def enter_code(client, code, next_url=""):
    return client.post(CODE_PAGE, {"code": code, "next": next_url})


def wrong_code(user):
    """A six-digit code that none of the codes the app shows around now is."""
    device = second_factor.authenticator_of(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    taken = {f"{totp.token():06d}"}
    for step in (now - 1, now + 1, now + 2):
        totp.drift += step - totp.t()
        taken.add(f"{totp.token():06d}")
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in taken)


def errors(response):
    return response.context["form"].errors.get("code", [])


def wait_out_the_throttle(user, seconds):
    """As if `seconds` had passed since the last wrong code (app or recovery)."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_timestamp=F("throttling_failure_timestamp")
            - timedelta(seconds=seconds)
        )


def key_on_page(response):
    """The secret key the set-up page shows as text, as bytes."""
    text = re.search(r'id="secret-key">([A-Z2-7 ]+)<', response.content.decode())[1]
    return b32decode(text.replace(" ", ""))


def app_code(key):
    return f"{TOTP(key).token():06d}"


def new_recovery_codes(client):
    """Ask for new recovery codes, as on the account page, and read them."""
    assert client.post(reverse("recovery_codes")).status_code == 302
    page = client.get(reverse("recovery_codes"))
    return re.findall(r"<code>([a-z2-7]{8})</code>", page.content.decode())


def test_administrators_clerks_and_superusers_must_have_one_and_others_need_not(
    cast,
):
    admin = get_user_model().objects.create_superuser("operator", password=PASSWORD)
    required = second_factor.second_factor_required
    assert required(cast.clerk) and required(cast.administrator) and required(admin)
    assert not required(cast.member)
    assert not required(cast.officer)
    assert not required(cast.other_council)


def test_after_the_password_a_clerk_reaches_only_the_code_page_and_sign_out(
    cast, business, client
):
    password_step(client, "clerk")
    for path in [
        "/",
        reverse("strategy:strategy_list"),
        reverse("account_security"),
        SET_UP_PAGE,
        reverse("recovery_codes"),
        reverse("admin:index"),
        reverse("decisions:meeting_detail", args=[business.meeting.pk]),
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{CODE_PAGE}?next={path.replace('/', '%2F')}"
    meetings = Meeting.objects.count()
    refused = client.post(
        reverse("decisions:meeting_create"),
        {"committee": business.cabinet.pk, "date": "2031-03-12", "time": "18:30"},
    )
    assert refused.status_code == 302
    assert refused["Location"] == CODE_PAGE
    assert Meeting.objects.count() == meetings
    page = client.get(CODE_PAGE)
    assert page.status_code == 200
    # No menu and no Account link while the code is owed.
    assert 'aria-label="Menu"' not in page.content.decode()
    assert reverse("account_security") not in page.content.decode()
    assert client.post(reverse("logout")).status_code == 200


def test_the_right_code_lets_them_in_and_on_to_where_they_were_going(
    cast, business, client
):
    password_step(client, "clerk")
    meeting = reverse("decisions:meeting_detail", args=[business.meeting.pk])
    assert client.get(meeting)["Location"].startswith(CODE_PAGE)
    page = client.get(CODE_PAGE, {"next": meeting})
    assert f'value="{meeting}"' in page.content.decode()
    response = enter_code(client, authenticator_code(cast.clerk), meeting)
    assert response.status_code == 302
    assert response["Location"] == meeting
    assert client.get(meeting).status_code == 200
    # Nothing more is owed: the code page sends them on.
    assert client.get(CODE_PAGE)["Location"] == reverse("governance:home")


def test_a_code_page_asked_to_go_elsewhere_stays_on_this_site(cast, client):
    password_step(client, "clerk")
    response = enter_code(
        client, authenticator_code(cast.clerk), "https://evil.example/steal"
    )
    assert response["Location"] == reverse("governance:home")


def test_an_empty_or_wrong_code_gets_the_govuk_error(cast, client):
    password_step(client, "clerk")
    empty = enter_code(client, "")
    assert errors(empty) == ["Enter the 6-digit code from your authenticator app"]
    assert "There is a problem" in empty.content.decode()
    assert empty.content.decode().count("<title>Error: ") == 1
    wrong = enter_code(client, wrong_code(cast.clerk))
    assert errors(wrong) == ["The code is not correct"]
    assert client.get("/")["Location"].startswith(CODE_PAGE)


def test_six_wrong_codes_in_a_row_throttle_the_app_and_say_how_long_to_wait(
    cast, client
):
    right, wrong = authenticator_code(cast.clerk), wrong_code(cast.clerk)
    password_step(client, "clerk")
    for number in range(1, 6):
        assert errors(enter_code(client, wrong)) == ["The code is not correct"]
        # Straight away, even the right code is not checked.
        assert errors(enter_code(client, right)) == [
            f"You entered a code too soon after a wrong one. Wait "
            f"{2 ** (number - 1)} second{'s' if number > 1 else ''}, then try again"
        ]
        wait_out_the_throttle(cast.clerk, 2 ** (number - 1))
    sixth = enter_code(client, wrong)
    assert errors(sixth) == [
        "The code is not correct. You have entered a wrong code too many times: "
        "wait 32 seconds, then try again"
    ]
    refused = enter_code(client, right)
    assert errors(refused) == [
        "You have entered a wrong code too many times. Wait 32 seconds, then try again"
    ]
    assert TOTPDevice.objects.get(user=cast.clerk).throttling_failure_count == 6
    assert client.get("/")["Location"].startswith(CODE_PAGE)
    wait_out_the_throttle(cast.clerk, 32)
    assert enter_code(client, right).status_code == 302
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=cast.clerk).throttling_failure_count == 0


def test_a_code_cannot_be_used_twice(cast, client):
    code = authenticator_code(cast.clerk)
    password_step(client, "clerk")
    assert enter_code(client, code).status_code == 302
    client.logout()
    password_step(client, "clerk")
    assert errors(enter_code(client, code)) == ["The code is not correct"]


def test_a_recovery_code_works_once_only(cast, client):
    sign_in(client, cast.clerk)
    codes = new_recovery_codes(client)
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT == 10
    client.logout()

    password_step(client, "clerk")
    # As typed from a printout: capitals, a space.
    used = enter_code(client, f"{codes[0][:4].upper()} {codes[0][4:]}")
    assert used.status_code == 302
    home = client.get(used["Location"])
    assert "You used a recovery code: it will not work again. You have 9 left" in (
        home.content.decode()
    )
    client.logout()

    password_step(client, "clerk")
    assert errors(enter_code(client, codes[0])) == ["The code is not correct"]
    assert client.get("/")["Location"].startswith(CODE_PAGE)
    assert StaticToken.objects.filter(device__user=cast.clerk).count() == 9
    wait_out_the_throttle(cast.clerk, 1)
    assert enter_code(client, codes[1]).status_code == 302


def test_new_recovery_codes_replace_the_old_ones_and_are_shown_once(cast, client):
    sign_in(client, cast.clerk)
    old = new_recovery_codes(client)
    new = new_recovery_codes(client)
    assert not set(old) & set(new)
    # Shown once: the page has nothing to show the second time.
    assert client.get(reverse("recovery_codes"))["Location"] == reverse(
        "account_security"
    )
    client.logout()
    password_step(client, "clerk")
    assert errors(enter_code(client, old[0])) == ["The code is not correct"]
    wait_out_the_throttle(cast.clerk, 1)
    assert enter_code(client, new[0]).status_code == 302


def test_posting_a_code_without_the_password_step_is_sent_to_sign_in(cast, client):
    response = enter_code(client, authenticator_code(cast.clerk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    device = TOTPDevice.objects.get(user=cast.clerk)
    assert device.throttling_failure_count == 0
    assert client.get("/")["Location"].startswith(reverse("login"))
    set_up = client.post(SET_UP_PAGE, {"code": "123456"})
    assert set_up["Location"].startswith(reverse("login"))
    assert TOTPDevice.objects.get(user=cast.clerk).key == device.key


def test_a_clerk_with_no_app_is_taken_to_set_one_up_then_shown_recovery_codes(
    cast, client
):
    make_person("new_clerk", cast.council_a, Role.CLERK)
    password_step(client, "new_clerk")
    assert client.get("/")["Location"] == f"{SET_UP_PAGE}?next=%2F"
    assert client.get(CODE_PAGE)["Location"].startswith(SET_UP_PAGE)
    page = client.get(SET_UP_PAGE, {"next": "/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "You must use an authenticator app" in html
    assert '<div class="app-qr-code" role="img"' in html
    assert "<svg" in html
    key = key_on_page(page)
    # The same key until it is confirmed, so a reload does not undo a scan.
    assert key_on_page(client.get(SET_UP_PAGE)) == key

    wrong = client.post(SET_UP_PAGE, {"code": "12345"})
    assert errors(wrong) == ["The code is not correct"]
    empty = client.post(SET_UP_PAGE, {"code": ""})
    assert errors(empty) == ["Enter the 6-digit code from your authenticator app"]
    assert not TOTPDevice.objects.filter(user__username="new_clerk").exists()

    done = client.post(SET_UP_PAGE, {"code": app_code(key), "next": "/"})
    assert done["Location"] == f"{reverse('recovery_codes')}?next=%2F"
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", codes_page.content.decode())
    assert len(codes) == 10
    assert 'href="/"' in codes_page.content.decode()
    assert client.get("/").status_code == 200
    device = TOTPDevice.objects.get(user__username="new_clerk")
    assert device.confirmed and device.key == key.hex()


def test_someone_signed_in_with_only_the_password_cannot_set_up_another_app(
    cast, client
):
    password_step(client, "clerk")
    before = TOTPDevice.objects.get(user=cast.clerk)
    assert client.get(SET_UP_PAGE)["Location"].startswith(CODE_PAGE)
    assert client.post(SET_UP_PAGE, {"code": "123456"})["Location"] == CODE_PAGE
    assert client.post(reverse("recovery_codes"))["Location"] == CODE_PAGE
    after = TOTPDevice.objects.get(user=cast.clerk)
    assert (after.pk, after.key) == (before.pk, before.key)


def test_replacing_the_app_keeps_the_session_and_the_old_app_stops_working(
    cast, client
):
    sign_in(client, cast.clerk)
    old_code = authenticator_code(cast.clerk)
    page = client.get(SET_UP_PAGE)
    assert "Replace your authenticator app" in page.content.decode()
    key = key_on_page(page)
    done = client.post(SET_UP_PAGE, {"code": app_code(key)})
    assert done["Location"] == reverse("recovery_codes")
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user=cast.clerk).count() == 1
    client.logout()
    password_step(client, "clerk")
    assert errors(enter_code(client, old_code)) == ["The code is not correct"]


def test_a_member_needs_only_the_password_until_they_set_up_an_app(cast, client):
    password_step(client, "member")
    assert client.get("/").status_code == 200
    account = client.get(reverse("account_security"))
    assert "Set up an authenticator app" in account.content.decode()
    key = key_on_page(client.get(SET_UP_PAGE))
    assert client.post(SET_UP_PAGE, {"code": app_code(key)}).status_code == 302
    client.logout()
    password_step(client, "member")
    assert client.get("/")["Location"].startswith(CODE_PAGE)


def test_a_council_can_require_it_of_everyone(cast, client_for):
    client = client_for(cast.administrator)
    form = client.get(
        reverse("governance:organisation_settings", args=[cast.council_a.slug])
    )
    assert "Everyone must use an authenticator app to sign in" in (
        form.content.decode()
    )
    saved = client.post(
        reverse("governance:organisation_settings", args=[cast.council_a.slug]),
        with_version(
            client,
            reverse("governance:organisation_settings", args=[cast.council_a.slug]),
            {
                "bank_holiday_region": "england-and-wales",
                "nation": "england",
                "decisions_subject_to_call_in": "on",
                "takes_effect_without_call_in": "publication",
                "default_publication_time": "9am",
                "democratic_settings_managed_by": "clerks-and-administrators",
                "second_factor_required_for_all": "on",
                "change_reason": "Our security policy",
            },
        ),
    )
    assert saved.status_code == 302
    cast.council_a.refresh_from_db()
    assert cast.council_a.second_factor_required_for_all
    assert cast.council_a.history.first().history_change_reason == (
        "Our security policy"
    )
    council = client.get(
        reverse("governance:organisation_detail", args=[cast.council_a.slug])
    )
    assert "Everyone must use one to sign in" in council.content.decode()

    client.logout()
    password_step(client, "member")
    assert client.get("/")["Location"].startswith(SET_UP_PAGE)
    # Council B did not ask: its officer still signs in with a password alone.
    assert client_for(cast.other_council).get("/").status_code == 200


@pytest.mark.parametrize("role", ["member", "officer", "clerk", "administrator"])
def test_the_account_page_says_where_each_role_stands(cast, client_for, role):
    page = client_for(cast.user(role)).get(reverse("account_security"))
    html = page.content.decode()
    if role in ("clerk", "administrator"):
        assert "You must use an authenticator app" in html
        assert "10 left" in html
        assert "Replace your authenticator app" in html
    else:
        assert "Not set up" in html
        assert "Set up an authenticator app" in html


def test_an_operator_resets_someones_second_factor_in_the_admin(cast, client):
    operator = get_user_model().objects.create_superuser("operator", password=PASSWORD)
    sign_in(client, operator)
    devices = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert devices.status_code == 200
    device = TOTPDevice.objects.get(user=cast.clerk)
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert device.key not in change.content.decode()
    for model, name in [
        (TOTPDevice, "totp_totpdevice"),
        (StaticDevice, "static_staticdevice"),
    ]:
        pk = model.objects.get(user=cast.clerk).pk
        deleted = client.post(
            reverse(f"admin:otp_{name}_delete", args=[pk]), {"post": "yes"}
        )
        assert deleted.status_code == 302
    client.logout()
    password_step(client, "clerk")
    assert client.get("/")["Location"].startswith(SET_UP_PAGE)


def near_codes(key):
    """Every code an app holding `key` shows within two steps of now."""
    return {f"{TOTP(key, drift=drift).token():06d}" for drift in range(-2, 3)}


codes = st.one_of(
    st.text(max_size=60), st.from_regex(r"\d{6}", fullmatch=True), st.just("")
)


class GeneratedCodeTests(TestCase):
    """Whatever is typed: the form again with its error, never a 500, never
    a session passed or an app set up."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = build_cast()

    @settings(
        max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(code=codes)
    def test_any_code_on_the_code_page_is_refused_with_the_error_summary(self, code):
        device = second_factor.authenticator_of(self.cast.clerk)
        assume(second_factor.normalise(code) not in near_codes(device.bin_key))
        self.client.logout()
        password_step(self.client, "clerk")
        response = enter_code(self.client, code)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
        assert self.client.get("/")["Location"].startswith(CODE_PAGE)

    @settings(
        max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(code=codes)
    def test_any_code_on_the_set_up_page_is_refused_and_sets_nothing_up(self, code):
        self.client.logout()
        password_step(self.client, "member")
        key = key_on_page(self.client.get(SET_UP_PAGE))
        assume(second_factor.normalise(code) not in near_codes(key))
        response = self.client.post(SET_UP_PAGE, {"code": code})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
        assert not TOTPDevice.objects.filter(user=self.cast.member).exists()


def sender(client, code):
    """A racer (see `race`) that sends `code` on `client`'s code page."""

    def action(barrier):
        barrier.wait()
        return enter_code(client, code).status_code

    return action


@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_sent_twice_at_once_lets_exactly_one_in():
    cast = build_cast()
    for _round in range(8):
        clients = [Client(), Client()]
        for client in clients:
            password_step(client, "clerk")
        code = second_factor.issue_recovery_codes(cast.clerk)[0]

        results = race(*(sender(client, code) for client in clients))
        assert sorted(results) == [200, 302]
        assert not StaticToken.objects.filter(token=code).exists()


@pytest.mark.django_db(transaction=True)
def test_one_authenticator_code_sent_twice_at_once_lets_exactly_one_in():
    cast = build_cast()
    clients = [Client(), Client()]
    for client in clients:
        password_step(client, "clerk")
    code = authenticator_code(cast.clerk)
    results = race(*(sender(client, code) for client in clients))
    assert sorted(results) == [200, 302]


def test_the_qr_code_marked_safe_holds_no_text_of_the_persons():
    """The set-up page marks the QR code's SVG safe: the username (and so
    anything a person could choose) is drawn as modules, never written as
    text or attributes."""
    from django.contrib.auth import get_user_model

    from governance import second_factor

    hostile = '<script>alert(1)</script>"onload="x'
    person = get_user_model()(username=hostile)
    svg = second_factor.qr_code_svg(person, second_factor.new_key())
    assert "script" not in svg and "onload" not in svg and "alert" not in svg
    assert set(re.findall(r"<(\w+)", svg)) <= {"svg", "g", "path"}
