"""The second factor: an authenticator app (TOTP), with one-time recovery codes.

Built on django-otp: a person's authenticator app is a confirmed
`TOTPDevice`, their recovery codes the tokens of a `StaticDevice`; a session
is verified once `pass_second_factor` has recorded the device that took a
code (`django_otp.login`), and `OTPMiddleware` then gives `user.is_verified()`.

Who must have one: superusers, and anyone who is an administrator or a clerk
in any council; everyone in a council whose administrators require it for
all. Anyone else may set one up, and once they have, they are asked for a
code at every sign-in too. `SecondFactorMiddleware` keeps a person who
still owes a step (`step_owed`) on that step's page.

Each device throttles wrong codes itself (django-otp's `ThrottlingMixin`):
after n wrong codes in a row the next is not even checked for 2^(n-1)
seconds (`OTP_TOTP_THROTTLE_FACTOR`, `OTP_STATIC_THROTTLE_FACTOR`).
"""

import enum
import re
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import timedelta

import django_otp
import segno
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .choices import Role
from .permissions import roles_of
from .principal import DEVICES_ATTRIBUTE, ORGANISATIONS_ATTRIBUTE, preloaded

#: Roles whose holders must have a second factor, in whichever council.
REQUIRED_FOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.CLERK})
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
TOTP_CODE = re.compile(r"\d{6}")


class Step(enum.StrEnum):
    """What a person signed in with their password still has to do."""

    #: Enter a code from the authenticator app (or a recovery code).
    VERIFY = "verify"
    #: Set up an authenticator app, which they must have and do not.
    SET_UP = "set_up"


# --- who must have one ----------------------------------------------------------


def second_factor_required(user):
    """Whether `user` must have a second factor (see the module docstring)."""
    from .models import Organisation

    if user.is_superuser:
        return True
    roles = roles_of(user)
    if any(role in REQUIRED_FOR_ROLES for role in roles.values()):
        return True
    known = preloaded(user, ORGANISATIONS_ATTRIBUTE)
    if known is not None and {organisation.pk for organisation in known} == set(roles):
        return any(
            organisation.second_factor_required_for_all for organisation in known
        )
    return Organisation.objects.filter(
        pk__in=roles.keys(), second_factor_required_for_all=True
    ).exists()


def authenticator_of(user):
    """`user`'s confirmed authenticator app (a `TOTPDevice`), or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_of(user):
    """`user`'s recovery codes (a `StaticDevice`), or None."""
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def step_owed(user):
    """The `Step` that `user` (from a request that went through
    `OTPMiddleware`) must take before anything else, or None."""
    if not user.is_authenticated or user.is_verified():
        return None
    devices = preloaded(user, DEVICES_ATTRIBUTE)
    if devices is not None:
        has_authenticator = any(
            device.startswith(f"{TOTPDevice.model_label()}/") for device in devices
        )
    else:
        has_authenticator = TOTPDevice.objects.devices_for_user(
            user, confirmed=True
        ).exists()
    if has_authenticator:
        return Step.VERIFY
    if second_factor_required(user):
        return Step.SET_UP
    return None


def pass_second_factor(request, device):
    """Record that this session passed the second factor with `device`.

    The session gets a new key first: one that an attacker planted or saw
    before this point is worth nothing afterwards.
    """
    request.session.cycle_key()
    django_otp.login(request, device)


# --- setting up an authenticator app ----------------------------------------------


def new_key():
    """A new random TOTP secret (hex, 20 bytes), before it is confirmed."""
    return random_hex(20)


def key_as_text(key):
    """The secret as people type it into an app: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(user, key):
    """An inline SVG QR code of the `otpauth://` address apps scan: drawn
    from the secret and the username only, so it is safe to mark safe."""
    address = TOTPDevice(user=user, key=key).config_url
    return segno.make(address, error="m").svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff"
    )


def set_up_authenticator(user, key, code):
    """Confirm the app holding `key` with a `code` it shows, and make it
    `user`'s authenticator, replacing any other; new recovery codes replace
    the old. Returns `(device, recovery codes)`, or None if the code is not
    the app's current one (or the one either side of it)."""
    code = normalise(code)
    if not TOTP_CODE.fullmatch(code):
        return None
    totp = TOTP(unhexlify(key))
    if not totp.verify(int(code), tolerance=1):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user,
            name=AUTHENTICATOR_NAME,
            key=key,
            confirmed=True,
            # The code just used cannot be used again to sign in.
            last_t=totp.t(),
            drift=totp.drift,
        )
        codes = issue_recovery_codes(user)
    return device, codes


def issue_recovery_codes(user):
    """Replace `user`'s recovery codes with `RECOVERY_CODE_COUNT` new ones,
    returned so they can be shown once. Each works once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.select_for_update().get_or_create(
            user=user, defaults={"name": RECOVERY_CODES_NAME, "confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
        device.throttle_reset()
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- checking a code at sign-in --------------------------------------------------


def normalise(code):
    """A code as typed, without spaces or hyphens, in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


@dataclass(frozen=True)
class CodeCheck:
    """What became of a code: the device that took it, or why none did."""

    device: object = None
    #: How long before the device will check another code.
    wait: timedelta = timedelta(0)
    #: True if the code was not checked at all: the device was still waiting.
    refused: bool = False


def check_code(user, code):
    """Check `code` against `user`'s authenticator app (six digits) or their
    recovery codes (anything else), counting a wrong one against that
    device's throttle. A recovery code that works is used up."""
    code = normalise(code)
    if TOTP_CODE.fullmatch(code):
        device = authenticator_of(user)
    else:
        device = recovery_codes_of(user)
    if device is None:
        return CodeCheck()
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(wait=_wait(details), refused=True)
    accepted = django_otp.verify_token(user, device.persistent_id, code)
    if accepted is not None:
        return CodeCheck(device=accepted)
    device.refresh_from_db()
    _allowed, details = device.verify_is_allowed()
    return CodeCheck(wait=_wait(details))


def _wait(details):
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return timedelta(0)
    return max(locked_until - timezone.now(), timedelta(0))
