"""The home page shows the committee business that needs each person now."""

from django.urls import reverse


def home_text(client_for, user):
    return client_for(user).get(reverse("governance:home")).content.decode()


def test_a_member_sees_the_call_in_deadlines_running(cast, business, client_for):
    text = home_text(client_for, cast.member)
    assert "Call-in deadlines running" in text
    assert business.published_decision.title in text
    assert business.published_decision.deadline_text in text


def test_only_clerks_and_administrators_see_drafts_to_publish(
    cast, business, client_for
):
    assert business.draft_decision.title in home_text(client_for, cast.clerk)
    assert business.draft_decision.title in home_text(client_for, cast.administrator)
    for person in (cast.member, cast.officer):
        text = home_text(client_for, person)
        assert "Draft decision records to publish" not in text
        assert business.draft_decision.title not in text


def test_another_councils_officer_sees_none_of_council_as_business(
    cast, business, client_for
):
    text = home_text(client_for, cast.other_council)
    assert business.published_decision.title not in text
    assert "Call-in deadlines running" not in text


def test_upcoming_meetings_are_listed(cast, business, client_for):
    text = home_text(client_for, cast.officer)
    assert "Coming up" in text
    assert "Cabinet" in text
