from django.urls import reverse


def home_text(client_for, user):
    return client_for(user).get(reverse("governance:home")).content.decode()


def test_an_officer_sees_the_drafts_they_wrote(cast, business, client_for):
    text = home_text(client_for, cast.officer)
    assert "Your draft strategies" in text
    assert business.draft_strategy.title in text


def test_a_member_sees_no_drafts(cast, business, client_for):
    text = home_text(client_for, cast.member)
    assert business.draft_strategy.title not in text


def test_a_clerk_sees_strategies_waiting_for_a_committee(cast, business, client_for):
    from strategy.lifecycle import STRATEGY_LIFECYCLE

    STRATEGY_LIFECYCLE.perform(
        business.draft_strategy,
        "submit",
        cast.officer,
        inputs={"meeting": business.scrutiny_meeting},
    )
    text = home_text(client_for, cast.clerk)
    assert "Strategies waiting for a committee" in text
    assert business.draft_strategy.title in text
