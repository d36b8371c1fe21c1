from datetime import time

import pytest
from django.urls import reverse

from governance.choices import Role

from ..base import give_role, sign_in


def settings_url(cast):
    return reverse("governance:organisation_settings", args=[cast.council_a.slug])


def valid_settings(**changes):
    data = {
        "bank_holiday_region": "scotland",
        "nation": "scotland",
        "decisions_subject_to_call_in": "on",
        "takes_effect_without_call_in": "publication",
        "default_publication_time": "9am",
        "democratic_settings_managed_by": "clerks-and-administrators",
        "change_reason": "Constitution amended at Full Council",
    }
    data.update(changes)
    return data


def test_administrator_changes_settings_and_history_records_who_and_why(
    cast, client_for
):
    client = client_for(cast.administrator)
    response = client.post(
        settings_url(cast), valid_settings(version=cast.council_a.version)
    )
    assert response.status_code == 302
    cast.council_a.refresh_from_db()
    assert cast.council_a.bank_holiday_region == "scotland"
    latest = cast.council_a.history.first()
    assert latest.history_user == cast.administrator
    assert latest.history_change_reason == "Constitution amended at Full Council"


def test_invalid_settings_show_the_error_summary_and_save_nothing(cast, client_for):
    client = client_for(cast.administrator)
    before = cast.council_a.history.count()
    response = client.post(
        settings_url(cast),
        valid_settings(
            bank_holiday_region="wales",
            change_reason="",
            version=cast.council_a.version,
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Select the bank-holiday region from the list" in content
    assert 'href="#id_change_reason"' in content
    cast.council_a.refresh_from_db()
    assert cast.council_a.bank_holiday_region == "england-and-wales"
    assert cast.council_a.history.count() == before


@pytest.mark.parametrize(
    ("typed", "stored", "message"),
    [
        ("4.30pm", time(16, 30), None),
        ("10:00", time(10, 0), None),
        ("", None, "Enter the time decisions are usually published"),
        ("25pm", None, "Enter the time decisions are usually published as a time"),
    ],
    ids=["4.30pm", "10:00", "blank", "25pm"],
)
def test_the_usual_publication_time_is_typed_as_people_write_it(
    cast, client_for, typed, stored, message
):
    client = client_for(cast.administrator)
    response = client.post(
        settings_url(cast),
        valid_settings(default_publication_time=typed, version=cast.council_a.version),
    )
    cast.council_a.refresh_from_db()
    if message is None:
        assert response.status_code == 302
        assert cast.council_a.default_publication_time == stored
        page = client.get(cast.council_a.get_absolute_url()).content.decode()
        assert "A past publication recorded without its time" in page
    else:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert cast.council_a.default_publication_time == time(9, 0)


def test_hostile_text_in_the_reason_is_escaped(cast, client_for):
    client = client_for(cast.administrator)
    payload = '<script>alert("x")</script>'
    response = client.post(
        settings_url(cast),
        valid_settings(bank_holiday_region="x", change_reason=payload),
    )
    content = response.content.decode()
    assert payload not in content
    assert "&lt;script&gt;" in content


def test_a_person_in_two_councils_chooses_which_one_to_work_in(cast, client_for):
    give_role(cast.clerk, cast.council_b, Role.MEMBER)
    client = client_for(cast.clerk)
    home = client.get(reverse("governance:home"))
    assert home.context["current_organisation"] == cast.council_a
    assert "Change council" in home.content.decode()

    client.post(
        reverse("governance:choose_organisation"),
        {"organisation": cast.council_b.pk},
    )
    home = client.get(reverse("governance:home"))
    assert home.context["current_organisation"] == cast.council_b
    assert home.context["current_role"] == Role.MEMBER


def test_nobody_can_choose_a_council_they_do_not_work_for(cast, client_for):
    client = client_for(cast.officer)
    response = client.post(
        reverse("governance:choose_organisation"),
        {"organisation": cast.council_b.pk},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    home = client.get(reverse("governance:home"))
    assert home.context["current_organisation"] == cast.council_a


def test_another_councils_page_is_not_found_not_forbidden(cast, client_for):
    client = client_for(cast.other_council)
    response = client.get(
        reverse("governance:organisation_detail", args=[cast.council_a.slug])
    )
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_council_page_query_count_is_flat_in_the_number_of_committees(cast, client_for):
    from decisions.choices import CommitteeKind

    from ..base import make_committee

    client = client_for(cast.member)
    url = reverse("governance:organisation_detail", args=[cast.council_a.slug])

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(5):
        make_committee(cast.council_a, f"Committee {n}", CommitteeKind.OTHER)
    few = count_queries()
    for n in range(5, 15):
        make_committee(cast.council_a, f"Committee {n}", CommitteeKind.OTHER)
    many = count_queries()
    # the session with the person, their roles, councils and devices (one
    # query: governance/principal.py), the council, its committees, its
    # call-in rules, its closure days, the bank holidays it works, its
    # departments, who may agree variations, its routes, its report
    # template, whether the person follows the council (how it numbers lists
    # and lays out workplans come with the council)
    assert few == many == 10


def test_a_form_sent_without_a_valid_token_changes_nothing(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, cast.administrator)
    before = cast.council_a.history.count()
    response = client.post(settings_url(cast), valid_settings())
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert cast.council_a.history.count() == before


def test_a_person_with_no_role_is_told_so(db, client_for):
    from ..base import make_person

    person = make_person("newcomer")
    response = client_for(person).get(reverse("governance:home"))
    assert response.status_code == 200
    assert "You do not have a role in any council" in response.content.decode()
    assert response.context["nav_items"] == []
