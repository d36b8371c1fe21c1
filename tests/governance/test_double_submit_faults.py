"""Double submits on real connections: the same create form posted twice at
the same instant makes one record, and two different forms clashing on a
unique constraint give the later one its form back; never a 500.

Each race runs two threads, each with its own database connection, released
together by a barrier, against committed data (transactional tests), so the
unique index on the claimed token and the record's own constraints decide.
"""

import pytest
from django.test import Client

from decisions.models import ClosureDay, DecisionRecord, Meeting
from governance.submissions import FIELD, SubmissionToken
from strategy.models import Strategy, Theme
from workplan.models import WorkplanItem

from ..access.test_access_matrix import url_for
from ..base import build_business, build_cast, race, sign_in
from .test_idempotent_creates import post_row, token_in

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROUNDS = 5

#: Create pages raced, and the records each post makes.
RACED = {
    "strategy:strategy_create": Strategy,
    "strategy:theme_create": Theme,
    "workplan:item_create": WorkplanItem,
    "decisions:meeting_create": Meeting,
    "decisions:decision_create": DecisionRecord,
    "decisions:closure_day_create": ClosureDay,
}


def posting(client, url, data):
    def action(barrier):
        barrier.wait(timeout=10)
        response = client.post(url, data)
        return response.status_code, response.get("Location"), response

    return action


def vary(name, data, round_):
    """The same form, filled in anew for this round (so each round's first
    post is valid against what the rounds before saved, and is not their
    content sent again)."""
    data = dict(data)
    if "title" in data:
        data["title"] = f"{data['title']} {round_}"
    if name == "workplan:item_create":
        data["reference"] = f"RX{round_}"
    if name == "decisions:closure_day_create":
        data["first_day"] = data["last_day"] = f"2032-0{round_ + 1}-10"
    if name == "decisions:meeting_create":
        data["date"] = f"2031-0{round_ + 1}-12"
    return data


def test_the_same_create_form_posted_twice_at_once_makes_one_record():
    cast = build_cast()
    business = build_business(cast)
    problems = []
    for name, model in RACED.items():
        row, role = post_row(name)
        url = url_for(row, cast, business)
        user = cast.user(role)
        # Two tabs of one browser: one session, two connections.
        first = sign_in(Client(), user)
        second = Client()
        second.cookies = first.cookies
        for round_ in range(ROUNDS):
            data = {
                **vary(name, row.data(cast, business), round_),
                FIELD: token_in(first.get(url)),
            }
            records = model.objects.count()

            results = race(posting(first, url, data), posting(second, url, data))

            statuses = [result[0] for result in results]
            if statuses != [302, 302]:
                problems.append(f"{name} round {round_}: {statuses}")
                continue
            if results[0][1] != results[1][1]:
                problems.append(f"{name} round {round_}: led to different pages")
            if model.objects.count() != records + 1:
                problems.append(f"{name} round {round_}: not one record made")
            assert SubmissionToken.objects.filter(token=data[FIELD]).count() == 1
    assert not problems, "\n".join(problems)


def test_two_tabs_sending_the_same_content_at_once_make_one_record():
    """Two tabs, each with its own token, the same strategy typed into both
    and saved at the same instant (or Back fetching the form anew while the
    first save is still running): one strategy."""
    cast = build_cast()
    business = build_business(cast)
    row, role = post_row("strategy:strategy_create")
    url = url_for(row, cast, business)
    for round_ in range(ROUNDS):
        clients = [sign_in(Client(), cast.user(role)) for _ in range(2)]
        data = {**row.data(cast, business), "title": f"Same strategy {round_}"}
        actions = [
            posting(client, url, {**data, FIELD: token_in(client.get(url))})
            for client in clients
        ]

        results = race(*actions)

        assert [result[0] for result in results] == [302, 302]
        assert results[0][1] == results[1][1]
        assert Strategy.objects.filter(title=data["title"]).count() == 1


def test_two_new_themes_at_once_never_500_and_keep_their_positions_apart():
    """Two tabs adding different themes to one strategy at the same instant:
    both are given the next position; the later save clashes on
    `theme_position_unique_per_strategy` (checked at commit) and gets its
    form back, nothing of it saved, with why; or, if the first was committed
    before the second counted, both are saved one after the other."""
    cast = build_cast()
    business = build_business(cast)
    row, role = post_row("strategy:theme_create")
    url = url_for(row, cast, business)
    strategy = business.draft_strategy
    clashes = 0
    for round_ in range(ROUNDS * 2):
        clients = [sign_in(Client(), cast.user(role)) for _ in range(2)]
        actions = []
        for index, client in enumerate(clients):
            data = {
                **row.data(cast, business),
                "title": f"Theme {round_}-{index}",
                FIELD: token_in(client.get(url)),
            }
            actions.append(posting(client, url, data))
        before = strategy.themes.count()

        results = race(*actions)

        statuses = sorted(result[0] for result in results)
        assert statuses in ([302, 302], [302, 409]), statuses
        saved = statuses.count(302)
        assert strategy.themes.count() == before + saved
        positions = list(strategy.themes.values_list("position", flat=True))
        assert len(positions) == len(set(positions))
        for status, _location, response in results:
            if status == 409:
                clashes += 1
                page = response.content.decode()
                assert "There is a problem" in page
                assert "Someone else added a theme to this strategy" in page
                # No success banner for the theme that was not saved.
                assert "Theme saved" not in page
    print(f"{clashes} of {ROUNDS * 2} races clashed on the theme's position")
