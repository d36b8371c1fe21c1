"""The Django admin: administrators only, and only their own council's rows."""

import pytest
from django.contrib import admin
from django.urls import reverse

from governance.models import Membership, Organisation

from ..base import ROLES

#: Admin pages for the installation's operators (superusers) only: groups,
#: sign-in lockouts, the background task queue.
SUPERUSER_ONLY_APPS = {"auth.group", "axes", "django_tasks_database"}


def admin_pages():
    """The index plus every registered model's list page, and who may see it."""
    pages = [(reverse("admin:index"), False)]
    for model in admin.site._registry:
        opts = model._meta
        superuser_only = (
            opts.app_label in SUPERUSER_ONLY_APPS
            or opts.label_lower in SUPERUSER_ONLY_APPS
        )
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        pages.append((url, superuser_only))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_answer_only_administrators(cast, client_for, role):
    client = client_for(cast.user(role))
    for url, superuser_only in admin_pages():
        response = client.get(url)
        if role == "administrator":
            assert response.status_code == (403 if superuser_only else 200), url
        elif role == "anonymous":
            assert response.status_code == 302, url
        else:
            # Signed in but not an administrator: sent to the admin login,
            # which refuses outright.
            assert response.status_code == 302, url
            assert client.get(response["Location"]).status_code == 403, url


def test_an_administrator_sees_only_their_own_councils_rows(cast, client_for):
    client = client_for(cast.administrator)
    organisations = client.get(reverse("admin:governance_organisation_changelist"))
    assert list(organisations.context["cl"].queryset) == [cast.council_a]
    memberships = client.get(reverse("admin:governance_membership_changelist"))
    shown = {m.organisation_id for m in memberships.context["cl"].queryset}
    assert shown == {cast.council_a.pk}
    other = Membership.objects.get(user=cast.other_council)
    response = client.get(
        reverse("admin:governance_membership_change", args=[other.pk])
    )
    assert response.status_code == 302  # "does not exist" redirect to the index
    assert Organisation.objects.count() == 2


def test_an_administrator_cannot_create_a_new_council(cast, client_for):
    client = client_for(cast.administrator)
    response = client.get(reverse("admin:governance_organisation_add"))
    assert response.status_code == 403


def test_an_administrator_sees_only_people_of_their_council(cast, client_for):
    client = client_for(cast.administrator)
    people = client.get(reverse("admin:auth_user_changelist"))
    usernames = {user.username for user in people.context["cl"].queryset}
    assert usernames == {"member", "officer", "clerk", "administrator"}


def test_an_administrator_cannot_make_anyone_a_superuser(cast, client_for):
    client = client_for(cast.administrator)
    response = client.get(reverse("admin:auth_user_change", args=[cast.officer.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "is_staff" not in form.fields
    assert "user_permissions" not in form.fields
