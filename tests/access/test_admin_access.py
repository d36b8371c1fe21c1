"""The Django admin is for the installation's operators (superusers) only.

Every admin URL (every registered model's list, add, change, history,
delete and password pages, with real ids of both councils) answers 403 to
every council role, administrators included, and sends anonymous people to
sign in; a superuser reaches them.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, reverse

from decisions.models import Committee
from governance.models import Membership, Organisation

from ..base import ROLES


def admin_urls(cast):
    """Every admin URL, with each object URL filled in with an object of
    council B (the other council) where the model has one."""
    objects = {
        Organisation: cast.council_b,
        Membership: Membership.objects.get(user=cast.other_council),
        get_user_model(): cast.other_council,
        Committee: Committee.objects.filter(organisation=cast.council_b).first(),
    }
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        obj = objects.get(model)
        for pattern in model_admin.urls:
            if isinstance(pattern, URLResolver) or not pattern.name:
                continue
            assert isinstance(pattern, URLPattern)
            keys = (
                list(pattern.pattern.regex.groupindex)
                or [None] * pattern.pattern.regex.groups
            )
            if not keys:
                urls.append(reverse(f"admin:{pattern.name}"))
                continue
            if obj is None:
                continue
            values = {
                "object_id": obj.pk,
                "id": obj.pk,
                "version_id": getattr(obj, "history", None)
                and obj.history.first().history_id,
            }
            if all(values.get(key) for key in keys):
                args = [values[key] for key in keys]
                urls.append(reverse(f"admin:{pattern.name}", args=args))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_refuses_every_council_role(cast, client_for, role):
    client = client_for(cast.user(role))
    urls = admin_urls(cast)
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
        else:
            assert response.status_code == 403, url


def test_an_administrator_cannot_take_over_another_councils_account(cast, client_for):
    """The takeover the security probe found: a membership for another
    council's person, then their password. Both are refused; nothing changes."""
    client = client_for(cast.administrator)
    victim = cast.other_council
    password_before = victim.password
    response = client.post(
        reverse("admin:governance_membership_add"),
        {"user": victim.pk, "organisation": cast.council_a.pk, "role": "officer"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:auth_user_password_change", args=[victim.pk]),
        {"password1": "Taken-over-123", "password2": "Taken-over-123"},
    )
    assert response.status_code == 403
    victim.refresh_from_db()
    assert victim.password == password_before
    assert not Membership.objects.filter(
        user=victim, organisation=cast.council_a
    ).exists()


def test_the_history_pages_refuse_a_council_administrator(cast, client_for):
    client = client_for(cast.administrator)
    organisation = cast.council_b
    record = organisation.history.first()
    url = reverse(
        "admin:governance_organisation_simple_history",
        args=[organisation.pk, record.history_id],
    )
    response = client.post(url, {"bank_holiday_region": "scotland"})
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.bank_holiday_region == "england-and-wales"


def test_a_superuser_reaches_the_admin(cast, client_for):
    operator = get_user_model().objects.create_superuser(
        "operator", "operator@example.gov.uk", "x-operator-password-1"
    )
    client = client_for(operator)
    # Read-only models there (items, sign-in records) have no add page.
    request = RequestFactory().get("/")
    request.user = operator
    read_only = {
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        for model, model_admin in admin.site._registry.items()
        if not model_admin.has_add_permission(request)
    }
    assert reverse("admin:workplan_workplanitem_add") in read_only
    for url in admin_urls(cast):
        response = client.get(url)
        assert response.status_code == (403 if url in read_only else 200), url
