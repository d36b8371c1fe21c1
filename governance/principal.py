"""Who is signed in, with their roles, councils and second factor: one query.

Every signed-in page needs the person (Django's authentication), their
roles (`permissions.roles_of`), the council they work in
(`middleware.CurrentOrganisationMiddleware`) and what they owe of the second
factor (`second_factor.step_owed`, the device `OTPMiddleware` names). Read
one by one that is five or six round trips before the view starts; the
kept documents (`governance/documents.py`) spent most of their time on
them.

`PrincipalBackend.get_user` reads them all in one query, compiled once per
process: the user's row joined to each role they hold now and its council,
with the ids of their confirmed authenticator apps and recovery codes, and
a digest of what they follow (for `FINGERPRINT_ATTRIBUTE`). The
answers are put where the other readers look first (`ROLES_ATTRIBUTE`,
`ORGANISATIONS_ATTRIBUTE`, `DEVICES_ATTRIBUTE` on the user object) and live
as long as the request. Nothing is kept between requests: a role ended,
changed or given, a council's settings changed or a device removed take
effect on the very next request, in every server process.
"""

import hashlib
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import partial

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as BaseAuthenticationMiddleware,
)
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.db import SessionStore as DatabaseSession
from django.core.exceptions import ValidationError
from django.db import connection
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .prepared import compiled_at_start, prepared_cursor

#: Where `roles_of()` finds the roles (organisation id -> role).
ROLES_ATTRIBUTE = "_governance_roles"
#: The councils of those roles, ordered by name (`Organisation` objects).
ORGANISATIONS_ATTRIBUTE = "_governance_organisations"
#: The persistent ids of the person's confirmed second-factor devices.
DEVICES_ATTRIBUTE = "_governance_devices"
#: A digest of everything the principal's query read: the person, their
#: roles and councils, their devices, what they follow and the session
#: (`fingerprint_of()`; `kept_pages.py` compares it).
FINGERPRINT_ATTRIBUTE = "_governance_fingerprint"

#: The import path of the backend (sessions name the backend they signed in with).
BACKEND = "governance.principal.PrincipalBackend"


def _device_models():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return [TOTPDevice, StaticDevice]


#: A digest of what the person follows (`notifications.Follow`), a column of
#: the principal's query: what a page's follow button says is then part of
#: the principal's fingerprint (`FINGERPRINT_ATTRIBUTE`).
FOLLOWS_DIGEST = """(
    SELECT md5(string_agg(
        concat_ws(':', f.id, f.organisation_id, f.content_type_id, f.object_id),
        ',' ORDER BY f.id))
    FROM governance_follow f WHERE f.user_id = "{user}"."id")"""

#: Stand-ins for the user's id, a session key and the moment, to compile
#: the query once.
_SOME_USER = -7_654_321
_SOME_SESSION = "principal-stand-in-session-key"
_SOME_MOMENT = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


@compiled_at_start()
def principal_sql():
    """The query, compiled once per process like the data mark's
    (`data_mark.py`), and the widths of the user's and the council's
    columns in its rows."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.contrib.sessions.models import Session
    from django.db.models import FilteredRelation, OuterRef, Q, Subquery
    from django.db.models.expressions import RawSQL

    from .models import Organisation

    user_model = get_user_model()
    user_fields = [field.attname for field in user_model._meta.concrete_fields]
    organisation_fields = [
        f"now__organisation__{field.attname}"
        for field in Organisation._meta.concrete_fields
    ]
    follows = FOLLOWS_DIGEST.format(user=user_model._meta.db_table)
    devices = {
        f"devices_{index}": ArraySubquery(
            model.objects.filter(user=OuterRef("pk"), confirmed=True)
            .order_by("pk")
            .values("pk")
        )
        for index, model in enumerate(_device_models())
    }
    queryset = (
        user_model._default_manager.filter(pk=_SOME_USER)
        .annotate(
            now=FilteredRelation(
                "memberships", condition=Q(memberships__ended_at__isnull=True)
            ),
            **devices,
            follows_digest=RawSQL(follows, ()),  # noqa: S611 - fixed SQL, no parameters
            session_data=Subquery(
                Session.objects.filter(
                    session_key=_SOME_SESSION, expire_date__gt=_SOME_MOMENT
                ).values("session_data")
            ),
        )
        .order_by("now__organisation__name")
        .values_list(
            *user_fields,
            *organisation_fields,
            "now__role",
            *devices,
            "follows_digest",
            "session_data",
        )
    )
    sql, params = queryset.query.sql_with_params()
    roles = {_SOME_USER: "user", _SOME_SESSION: "session", _SOME_MOMENT: "now"}
    if sorted(map(str, params)) != sorted(map(str, roles)):  # pragma: no cover
        raise ValueError(f"unexpected parameters {params!r} in the principal's query")
    return (
        sql,
        [roles[param] for param in params],
        len(user_fields),
        len(organisation_fields),
    )


def _query(user_id, session_key=None):
    """The principal's rows for `user_id`, each ending with the session
    `session_key`'s data if it has not expired (None otherwise)."""
    sql, roles, user_width, organisation_width = principal_sql()
    values = {"user": user_id, "session": session_key, "now": timezone.now()}
    with prepared_cursor() as cursor:
        cursor.execute(sql, [values[role] for role in roles])
        return cursor.fetchall(), user_width, organisation_width


def _principal(rows, user_width, organisation_width):
    """The user with their roles, councils and devices, from `_query`'s rows."""
    from .models import Organisation

    user_model = get_user_model()
    first = rows[0]
    user = user_model.from_db(connection.alias, None, first[:user_width])
    roles, organisations = {}, []
    for row in rows:
        values = row[user_width : user_width + organisation_width]
        if values[0] is None:  # no role now (the LEFT JOIN found none)
            continue
        organisation = Organisation.from_db(connection.alias, None, values)
        organisations.append(organisation)
        roles[organisation.pk] = row[user_width + organisation_width]
    device_ids = first[user_width + organisation_width + 1 : -2]
    setattr(user, FINGERPRINT_ATTRIBUTE, fingerprint_of(rows))
    setattr(user, ROLES_ATTRIBUTE, roles)
    setattr(user, ORGANISATIONS_ATTRIBUTE, organisations)
    setattr(
        user,
        DEVICES_ATTRIBUTE,
        frozenset(
            f"{model.model_label()}/{pk}"
            for model, ids in zip(_device_models(), device_ids, strict=True)
            for pk in ids
        ),
    )
    return user


def fingerprint_of(rows):
    """The digest of the principal's rows (`FINGERPRINT_ATTRIBUTE`)."""
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _user_id(user_id):
    try:
        return get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None


def load_principal(user_id):
    """The user `user_id` (None if there is none), with their roles, their
    councils and their confirmed devices attached, from one query."""
    user_id = _user_id(user_id)
    if user_id is None:
        return None
    rows, user_width, organisation_width = _query(user_id)
    return _principal(rows, user_width, organisation_width) if rows else None


# --- the session in the same query ---------------------------------------------

#: Session key -> the id of the user it was last seen signed in as, in this
#: process. Only a guess, to read the session and that user in one query:
#: the session read then says whose it is, and a wrong guess is read again
#: the ordinary way. Bounded; forgotten when full.
_GUESSES = {}
_GUESSES_KEPT = 10_000
#: The user read with the session, for `PrincipalBackend.get_user` during
#: `auth.get_user` (set and reset around that call only).
_READ_WITH_SESSION = ContextVar("read_with_session", default=None)


def _read_session_with_principal(request):
    """Read `request`'s session (a database session not yet read) and the
    user it was last seen signed in as in one query, priming the session as
    `SessionStore.load` would. Returns (user id, user) or None."""
    session = request.session
    key = session.session_key
    if (
        not isinstance(session, DatabaseSession)
        or hasattr(session, "_session_cache")
        or not key
        or key not in _GUESSES
    ):
        return None
    guess = _GUESSES[key]
    rows, user_width, organisation_width = _query(guess, key)
    data = rows[0][-1] if rows else None
    if data is None and not rows:
        return None  # the user is gone: read the session the ordinary way
    if data is None:  # no such session, or it has expired (as `load` does)
        session._session_key = None
        session._session_cache = {}
        return None
    session._session_cache = session.decode(data)
    return guess, _principal(rows, user_width, organisation_width)


def _remember(session_key, user_id):
    if len(_GUESSES) >= _GUESSES_KEPT:
        _GUESSES.clear()
    _GUESSES[session_key] = user_id


@receiver(user_logged_in)
def remember_sign_in(sender, request, user, **kwargs):
    """A session signed in in this process is known from its first page."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        _remember(key, user.pk)


def get_user(request):
    """`django.contrib.auth.get_user(request)` (every check of the session
    it makes), the session and the person read in one query when this
    process has seen the session before."""
    if not hasattr(request, "_cached_user"):
        token = _READ_WITH_SESSION.set(_read_session_with_principal(request))
        try:
            user = auth.get_user(request)
        finally:
            _READ_WITH_SESSION.reset(token)
        key = request.session.session_key
        if user.is_authenticated and key:
            _remember(key, user.pk)
        request._cached_user = user
    return request._cached_user


class AuthenticationMiddleware(BaseAuthenticationMiddleware):
    """Django's, with `get_user` above: on a signed-in page the session and
    the person with their roles, councils and devices are one query."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(partial(get_user, request))


class PrincipalBackend(ModelBackend):
    """Django's `ModelBackend` (passwords, permissions), whose `get_user`
    reads the person with their roles and devices in one query."""

    def get_user(self, user_id):
        read = _READ_WITH_SESSION.get()
        if read is not None and read[0] == _user_id(user_id):
            user = read[1]
        else:
            user = load_principal(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def preloaded(user, attribute):
    """What `load_principal` attached to `user` as `attribute`, or None
    (a user read some other way)."""
    return getattr(user, attribute, None) if user is not None else None
