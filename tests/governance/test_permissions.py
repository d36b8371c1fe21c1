import pytest

from governance.choices import Role
from governance.models import Membership, Organisation
from governance.permissions import UnknownAction, can, forget_roles, roles_of

from ..base import give_role, make_person


def test_anonymous_people_hold_no_roles(cast):
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(AnonymousUser()) == {}
    assert not can(AnonymousUser(), "view", cast.council_a)


def test_roles_are_loaded_with_one_query_and_cached(cast, django_assert_num_queries):
    forget_roles(cast.officer)
    with django_assert_num_queries(1):  # the person's memberships
        roles_of(cast.officer)
        roles_of(cast.officer)
        can(cast.officer, "view", cast.council_a)


def test_only_administrators_change_council_settings(cast):
    assert can(cast.administrator, "change_organisation_settings", cast.council_a)
    for role in ["member", "officer", "clerk", "other_council"]:
        assert not can(
            cast.user(role), "change_organisation_settings", cast.council_a
        ), role


def test_an_administrator_of_one_council_has_no_rights_in_another(cast):
    assert not can(cast.administrator, "view", cast.council_b)
    assert not can(cast.administrator, "change_organisation_settings", cast.council_b)


def test_visible_to_returns_only_the_councils_a_person_works_for(cast):
    assert list(Organisation.objects.visible_to(cast.officer)) == [cast.council_a]
    assert list(Organisation.objects.visible_to(cast.other_council)) == [cast.council_b]


def test_scoped_querysets_hide_other_councils_rows(cast):
    visible = Membership.objects.visible_to(cast.other_council)
    assert {m.organisation_id for m in visible} == {cast.council_b.pk}
    assert not Membership.objects.editable_by(cast.member).exists()
    assert set(
        Membership.objects.editable_by(cast.officer).values_list(
            "organisation_id", flat=True
        )
    ) == {cast.council_a.pk}


def test_a_person_may_hold_roles_in_two_councils(cast):
    person = make_person("shared_service_officer", cast.council_a, Role.OFFICER)
    give_role(person, cast.council_b, Role.CLERK)
    assert roles_of(person) == {
        cast.council_a.pk: Role.OFFICER,
        cast.council_b.pk: Role.CLERK,
    }


def test_a_person_holds_one_role_per_council(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        give_role(cast.officer, cast.council_a, Role.CLERK)


def test_asking_about_an_unknown_action_is_a_bug(cast):
    with pytest.raises(UnknownAction):
        can(cast.officer, "approve_everything", cast.council_a)


def test_an_inactive_person_holds_no_roles(cast):
    cast.officer.is_active = False
    forget_roles(cast.officer)
    assert roles_of(cast.officer) == {}
