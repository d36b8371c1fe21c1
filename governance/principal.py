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
with the ids of their confirmed authenticator apps and recovery codes. The
answers are put where the other readers look first (`ROLES_ATTRIBUTE`,
`ORGANISATIONS_ATTRIBUTE`, `DEVICES_ATTRIBUTE` on the user object) and live
as long as the request. Nothing is kept between requests: a role ended,
changed or given, a council's settings changed or a device removed take
effect on the very next request, in every server process.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

#: Where `roles_of()` finds the roles (organisation id -> role).
ROLES_ATTRIBUTE = "_governance_roles"
#: The councils of those roles, ordered by name (`Organisation` objects).
ORGANISATIONS_ATTRIBUTE = "_governance_organisations"
#: The persistent ids of the person's confirmed second-factor devices.
DEVICES_ATTRIBUTE = "_governance_devices"

#: The import path of the backend (sessions name the backend they signed in with).
BACKEND = "governance.principal.PrincipalBackend"


def _device_models():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return [TOTPDevice, StaticDevice]


#: A stand-in for the user's id, to compile the query once.
_SOME_USER = -7_654_321


@cache
def _principal_sql():
    """The query, compiled once per process like the data mark's
    (`data_mark.py`), and the widths of the user's and the council's
    columns in its rows."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import FilteredRelation, OuterRef, Q

    from .models import Organisation

    user_model = get_user_model()
    user_fields = [field.attname for field in user_model._meta.concrete_fields]
    organisation_fields = [
        f"now__organisation__{field.attname}"
        for field in Organisation._meta.concrete_fields
    ]
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
        )
        .order_by("now__organisation__name")
        .values_list(*user_fields, *organisation_fields, "now__role", *devices)
    )
    sql, params = queryset.query.sql_with_params()
    if list(params) != [_SOME_USER]:  # pragma: no cover - the query changed shape
        raise ValueError(f"unexpected parameters {params!r} in the principal's query")
    return sql, len(user_fields), len(organisation_fields)


def load_principal(user_id):
    """The user `user_id` (None if there is none), with their roles, their
    councils and their confirmed devices attached, from one query."""
    from .models import Organisation

    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    sql, user_width, organisation_width = _principal_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
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
    device_ids = first[user_width + organisation_width + 1 :]
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


class PrincipalBackend(ModelBackend):
    """Django's `ModelBackend` (passwords, permissions), whose `get_user`
    reads the person with their roles and devices in one query."""

    def get_user(self, user_id):
        user = load_principal(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def preloaded(user, attribute):
    """What `load_principal` attached to `user` as `attribute`, or None
    (a user read some other way)."""
    return getattr(user, attribute, None) if user is not None else None
