"""Versions of a strategy: numbered along the line of replacements, each read
as approved, any two compared side by side with the differences marked."""

import importlib
import uuid

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.history import save_with_reason
from strategy.models import Strategy, Theme
from strategy.views import copy_strategy

from ..base import approve_strategy, make_strategy

ADDED = (
    '<ins class="app-diff__added"><span class="govuk-visually-hidden">added: </span>'
)
REMOVED = (
    '<del class="app-diff__removed"><span class="govuk-visually-hidden">'
    "removed: </span>"
)


def next_version(cast, old, title, *, vision=None):
    """A replacement of `old` prepared as the officer prepares it, with its own
    vision if given (still a draft)."""
    new = copy_strategy(old, cast.officer, title=title)
    if vision is not None:
        new.vision = vision
        save_with_reason(new, user=cast.officer, reason="Test set-up")
    return new


def approved_line(cast, business, first, count):
    """`first` and `count - 1` approved replacements after it; the last."""
    strategy = first
    for number in range(2, count + 1):
        new = next_version(
            cast, strategy, f"{first.title}, v{number}", vision=f"Vision {number}."
        )
        strategy = approve_strategy(new, cast, business)
    return strategy


def versions_page(client, strategy, **chosen):
    url = reverse("strategy:strategy_versions", args=[strategy.pk])
    return client.get(url, chosen)


def test_a_member_compares_two_approved_versions_with_the_differences_marked(
    cast, business, client_for
):
    first = business.approved_strategy
    second = next_version(
        cast,
        first,
        "Digital Ashdown 2025–2028",
        vision="Services designed around residents and businesses.",
    )
    save_with_reason(
        Theme(strategy=second, position=2, title="Cloud first"),
        user=cast.officer,
        reason="Test set-up",
    )
    second = approve_strategy(second, cast, business)
    # Changed after approval: not the text as approved.
    second.vision = "Changed after approval."
    save_with_reason(second, user=cast.officer, reason="Test set-up")

    response = versions_page(client_for(cast.member), second, compare="2", against="1")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Version 1 and version 2 compared" in page
    # Side by side, the earlier version first, each as approved.
    assert page.index("version 1, ICT Strategy 2022–2025, as approved on") < (
        page.index("version 2, Digital Ashdown 2025–2028, as approved on")
    )
    assert f"{REMOVED}ICT Strategy 2022–2025</del>" in page
    assert f"{ADDED}Digital Ashdown 2025–2028</ins>" in page
    assert f"{ADDED} and businesses</ins>" in page
    assert f"{ADDED}Cloud first</ins>" in page
    assert "Not in version 1" in page
    # In the strategy's reading order (the stored texts keep none), leaving
    # out what is empty in both.
    headings = [
        '-2">Title',
        '-2">First year',
        '-2">Vision',
        '">Themes and objectives</h3>',
        '">Risks</h3>',
    ]
    places = [page.index(heading) for heading in headings]
    assert places == sorted(places)
    assert '-2">Consultation undertaken' not in page
    assert "Changed after approval." not in page
    # The list: each version, its approval and the decision that approved it.
    assert "2 versions" in page
    for strategy in (first, second):
        assert f">Approval of {strategy.title}</a>, Cabinet" in page


def test_user_text_in_a_comparison_is_escaped(cast, business, client_for):
    hostile = '<script>alert("x")</script><b onmouseover="y">bold</b>'
    second = next_version(cast, business.approved_strategy, hostile, vision=hostile)
    approve_strategy(second, cast, business)

    page = versions_page(
        client_for(cast.member), second, compare="1", against="2"
    ).content.decode()

    assert "<script>alert" not in page
    assert "<b onmouseover" not in page
    assert f"{ADDED}&lt;script&gt;alert(&quot;x&quot;)" in page


def test_members_cannot_compare_a_draft_but_its_officers_can(
    cast, business, client_for
):
    first = business.approved_strategy
    draft = next_version(cast, first, "Draft version", vision="A draft vision.")

    member = client_for(cast.member)
    listed = versions_page(member, first).content.decode()
    assert "1 version<" in listed
    assert "Draft version" not in listed
    refused = versions_page(member, first, compare="1", against="2").content.decode()
    assert '<a href="#id_against">Select a version from the list</a>' in refused
    assert "A draft vision." not in refused
    assert versions_page(member, draft).status_code == 404

    page = versions_page(
        client_for(cast.officer), draft, compare="1", against="2"
    ).content.decode()
    assert "version 2, Draft version, its text now (not approved)" in page
    assert f"{ADDED}A draft vision</ins>." in page


def test_a_bad_choice_of_versions_shows_the_error_summary_and_no_comparison(
    cast, business, client_for
):
    second = approved_line(cast, business, business.approved_strategy, 2)
    client = client_for(cast.member)

    for chosen, target, error in [
        ({"compare": "2", "against": "2"}, "against", "Select a different version"),
        ({"compare": "1"}, "against", "Select the version to compare it with"),
        ({"compare": "x", "against": "1"}, "compare", "Select a version from the list"),
        ({"compare": "9", "against": "1"}, "compare", "Select a version from the list"),
    ]:
        response = versions_page(client, second, **chosen)

        assert response.status_code == 200
        page = response.content.decode()
        assert page.count("govuk-error-summary__list") == 1, chosen
        assert f'<a href="#id_{target}">{error}' in page, chosen
        assert "<title>Error: " in page
        assert 'id="comparison"' not in page


def test_the_versions_page_makes_the_same_queries_for_a_longer_line(
    cast, business, client_for, django_assert_max_num_queries
):
    other = approve_strategy(make_strategy(cast, "Short line"), cast, business)
    short = approved_line(cast, business, other, 2)
    long = approved_line(cast, business, business.approved_strategy, 4)
    client = client_for(cast.member)

    with CaptureQueriesContext(connection) as two_versions:
        response = versions_page(client, short, compare="1", against="2")
    assert response.status_code == 200

    # Beyond signing in: the strategy; its line's strategies; their approved
    # versions (without the texts); the approving decisions; the two texts.
    with django_assert_max_num_queries(len(two_versions)):
        response = versions_page(client, long, compare="1", against="4")
    assert "4 versions" in response.content.decode()


def test_the_version_number_shows_on_the_strategy_and_in_the_list(
    cast, business, client_for
):
    second = approved_line(cast, business, business.approved_strategy, 2)
    client = client_for(cast.member)

    page = client.get(second.get_absolute_url()).content.decode()
    assert "· Version 2</span>" in page
    assert "Replaces version 1, <a" in page
    assert reverse("strategy:strategy_versions", args=[second.pk]) in page
    listed = client.get(reverse("strategy:strategy_list")).content.decode()
    assert f'{second.title}</a><br><span class="govuk-body-s">Version 2</span>' in (
        listed
    )


def test_existing_strategies_are_numbered_by_following_what_they_replace(
    cast, business
):
    first = business.approved_strategy
    second = approved_line(cast, business, first, 2)
    third = next_version(cast, second, "Third")
    # As before the numbers existed: every strategy version 1 of its own line.
    for strategy in (first, second, third, business.draft_strategy):
        for rows in (
            Strategy.objects.filter(pk=strategy.pk),
            Strategy.history.filter(id=strategy.pk),
        ):
            rows.update(version_number=1, line=uuid.uuid4())
    migration = importlib.import_module("strategy.migrations.0003_version_numbers")

    migration.number_the_versions(apps, None)

    numbered = {s.pk: (s.line, s.version_number) for s in Strategy.objects.all()}
    assert [numbered[s.pk][1] for s in (first, second, third)] == [1, 2, 3]
    assert numbered[first.pk][0] == numbered[second.pk][0] == numbered[third.pk][0]
    assert numbered[business.draft_strategy.pk][1] == 1
    assert numbered[business.draft_strategy.pk][0] != numbered[first.pk][0]
    assert set(
        Strategy.history.filter(id=third.pk).values_list("line", "version_number")
    ) == {numbered[third.pk]}
