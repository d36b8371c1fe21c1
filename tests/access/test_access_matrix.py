"""Every URL, every role: the expected status, in one table.

`test_every_named_url_has_an_access_decision` walks Django's URL resolver,
so a new view without a row here turns the suite red. Another council's
records answer 404, never 403: their existence is not revealed.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from governance.models import Organisation

from ..base import ROLES

A = "council_a"  # URL arguments are filled in from the cast's council A.


def settings_post_data(cast):
    return {
        "bank_holiday_region": "scotland",
        "change_reason": "Access test",
    }


def choose_post_data(cast):
    return {"organisation": str(cast.council_a.pk)}


# (url name, method): (arguments, POST data, {role: status})
MATRIX = {
    ("governance:home", "GET"): (
        [],
        None,
        {
            "anonymous": 302,
            "member": 200,
            "officer": 200,
            "clerk": 200,
            "administrator": 200,
            "other_council": 200,
        },
    ),
    ("governance:choose_organisation", "GET"): (
        [],
        None,
        {
            "anonymous": 302,
            "member": 200,
            "officer": 200,
            "clerk": 200,
            "administrator": 200,
            "other_council": 200,
        },
    ),
    # Choosing council A: a council of one's own is accepted (302 home);
    # council B's officer gets the form back with an error (200).
    ("governance:choose_organisation", "POST"): (
        [],
        choose_post_data,
        {
            "anonymous": 302,
            "member": 302,
            "officer": 302,
            "clerk": 302,
            "administrator": 302,
            "other_council": 200,
        },
    ),
    ("governance:organisation_detail", "GET"): (
        [A],
        None,
        {
            "anonymous": 302,
            "member": 200,
            "officer": 200,
            "clerk": 200,
            "administrator": 200,
            "other_council": 404,
        },
    ),
    ("governance:organisation_settings", "GET"): (
        [A],
        None,
        {
            "anonymous": 302,
            "member": 403,
            "officer": 403,
            "clerk": 403,
            "administrator": 200,
            "other_council": 404,
        },
    ),
    ("governance:organisation_settings", "POST"): (
        [A],
        settings_post_data,
        {
            "anonymous": 302,
            "member": 403,
            "officer": 403,
            "clerk": 403,
            "administrator": 302,
            "other_council": 404,
        },
    ),
    ("login", "GET"): (
        [],
        None,
        {
            "anonymous": 200,
            "member": 302,
            "officer": 302,
            "clerk": 302,
            "administrator": 302,
            "other_council": 302,
        },
    ),
    ("logout", "POST"): (
        [],
        lambda cast: {},
        {
            "anonymous": 302,
            "member": 200,
            "officer": 200,
            "clerk": 200,
            "administrator": 200,
            "other_council": 200,
        },
    ),
    ("logout", "GET"): (
        [],
        None,
        {
            "anonymous": 302,
            "member": 405,
            "officer": 405,
            "clerk": 405,
            "administrator": 405,
            "other_council": 405,
        },
    ),
    ("healthz", "GET"): (
        [],
        None,
        {role: 200 for role in ROLES},
    ),
    ("admin:index", "GET"): (
        [],
        None,
        {
            "anonymous": 302,
            "member": 302,
            "officer": 302,
            "clerk": 302,
            "administrator": 200,
            "other_council": 302,
        },
    ),
}

# The admin's own URLs are many and generated; they are covered by
# `test_admin_pages_answer_only_administrators` below.
NAMESPACES_TESTED_ELSEWHERE = {"admin"}


def named_urls(resolver=None, namespace=None):
    """Every named URL pattern as "namespace:name"."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_named_url_has_an_access_decision():
    in_matrix = {name for name, _method in MATRIX}
    missing = {
        name
        for name in named_urls()
        if name.split(":")[0] not in NAMESPACES_TESTED_ELSEWHERE
    } - in_matrix
    assert not missing, f"URLs with no row in the access matrix: {sorted(missing)}"


def resolve_args(cast, args):
    return [getattr(cast, arg).slug if arg == A else arg for arg in args]


def snapshot(organisation):
    """What a refused request must leave untouched."""
    row = Organisation.objects.filter(pk=organisation.pk).values().get()
    return row, organisation.history.count()


CELLS = [
    (name, method, role)
    for (name, method), (_args, _data, statuses) in MATRIX.items()
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CELLS)
def test_access(cast, client_for, name, method, role):
    args, data, statuses = MATRIX[(name, method)]
    assert set(statuses) == set(ROLES), f"{name} {method} lacks a role"
    client = client_for(cast.user(role))
    url = reverse(name, args=resolve_args(cast, args))
    before = snapshot(cast.council_a)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data(cast) if data else {})
    assert response.status_code == statuses[role], (
        f"{method} {url} as {role}: {response.status_code}, expected {statuses[role]}"
    )
    if response.status_code == 302 and role == "anonymous":
        # The admin sends anonymous people to its login URL, which in turn
        # redirects to the service's sign-in page.
        assert response["Location"].startswith(
            (reverse("login"), reverse("admin:login"))
        )
    if method == "POST":
        changes_settings = (name, role) == (
            "governance:organisation_settings",
            "administrator",
        )
        if changes_settings:
            cast.council_a.refresh_from_db()
            assert cast.council_a.bank_holiday_region == "scotland"
        else:
            assert snapshot(cast.council_a) == before, "a refused POST changed data"
