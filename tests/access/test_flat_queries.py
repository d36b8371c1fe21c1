"""Query counts flat on every page: each page of the access matrix that some
role may read (a 200) is requested as that reader with N rows of every
related kind (items, themes, objectives, risks, reports, agenda items,
decisions, resolutions, committee members, people, progress updates,
milestones, history rows...) and again with 2N; a page whose query count
grows with N fails. The requests run under Django's `FETCH_RAISE`
(`tests/fetch_modes.py`), so a related object or deferred field read without
`select_related`/`only` fails loudly, naming the field.

The rows and their records come from `test_access_matrix.py` (`MATRIX`,
`url_for`); this file adds only the growing.
"""

import itertools
import os
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.choices import Role
from governance.history import save_with_reason

from ..base import (
    make_committee,
    make_department,
    make_invitation,
    make_item,
    make_meeting,
    make_person,
    make_post,
    make_report,
    make_strategy,
    make_workplan,
    publish,
    put_on_agenda,
)
from ..fetch_modes import FETCH_RAISE_PEERS, MODES, FetchRecorded, fetch_mode
from .test_access_matrix import MATRIX, ByPolicy, url_for

#: Who reads a page, in order of preference: the first who gets a 200.
READERS = ("officer", "clerk", "administrator", "member", "anonymous", "other_council")

#: Rows of each kind added per step (N, then 2N in all).
N = 2


def get_rows():
    """The matrix's GET rows, each (name, arguments) once."""
    seen = set()
    for row in MATRIX:
        key = (row.name, row.args)
        if row.method == "GET" and key not in seen:
            seen.add(key)
            yield row


def reader(row, cast, business):
    for role in READERS:
        expected = row.expected[role]
        if isinstance(row.expected, ByPolicy):
            expected = row.expected.resolve(role, row, cast, business)
        if expected == 200:
            return role
    return None


_serial = itertools.count(1)


def grow(cast, business, n):
    """`n` more rows of every kind the matrix's pages list."""
    from decisions.models import (
        AgendaItem,
        ClosureDay,
        CommitteeMember,
        Recommendation,
        Resolution,
    )
    from strategy.models import Objective, Risk, Theme
    from workplan.models import Milestone

    def keep(obj):
        return save_with_reason(obj, user=cast.officer, reason="Test growth")

    council = cast.council_a
    today = timezone.localdate()
    for _ in range(n):
        k = next(_serial)
        # People and the council's lists.
        councillor = make_person(f"member_{k}", council, Role.MEMBER)
        make_department(council, f"Department {k}")
        make_post(council, f"Head of Service {k}", holder_name=f"Holder {k}")
        make_invitation(council, cast.administrator, token=f"grown-{k}-{'0' * 24}")
        make_committee(council, f"Panel {k}", "decision-making")
        keep(
            ClosureDay(
                organisation=council,
                date=today.replace(year=2040) + timedelta(days=k),
                description=f"Closed {k}",
            )
        )
        keep(
            CommitteeMember(
                committee=business.cabinet,
                name=f"Councillor {k}",
                membership=councillor.memberships.get(),
            )
        )
        # Committee business: meetings, reports on agendas, decisions.
        starts = timezone.now() - timedelta(days=3, hours=k)
        meeting = make_meeting(business.cabinet, starts, agenda_published=True)
        for on in (business.meeting, business.later_meeting, meeting):
            report = make_report(
                council,
                f"Report {k}",
                key_decision=True,
                forward_plan_notice_on=today - timedelta(days=40),
            )
            keep(Recommendation(report=report, position=2, text=f"Also {k}."))
            put_on_agenda(on, report, position=100 + k)
        keep(AgendaItem(meeting=business.meeting, position=200 + k, title=f"Item {k}"))
        publish(make_decision_at(business.meeting, f"Decision {k}"), cast.clerk)
        make_decision_at(business.meeting, f"Draft decision {k}")
        for decision in (business.published_decision, business.draft_decision):
            keep(Resolution(decision=decision, position=100 + k, text=f"Resolved {k}."))
        make_report(
            council,
            f"Exempt report {k}",
            exempt=True,
            exempt_paragraph="3",
            exempt_reason="Commercial terms",
            exempt_review_on=today + timedelta(days=90),
        )
        # Strategies, with themes, objectives and risks; workplans; history.
        make_strategy(cast, f"Draft strategy {k}")
        make_workplan(cast, business.approved_strategy, 2040 + k)
        strategies = [business.draft_strategy, business.approved_strategy]
        for strategy in strategies:
            theme = keep(Theme(strategy=strategy, position=100 + k, title=f"Theme {k}"))
            keep(Objective(theme=theme, position=1, text=f"Objective {k}."))
            keep(
                Risk(
                    strategy=strategy,
                    position=100 + k,
                    description=f"Risk {k}",
                    likelihood="low",
                    impact="high",
                )
            )
        keep(Objective(theme=business.theme, position=100 + k, text=f"More {k}."))
        strategy = type(business.draft_strategy).objects.get(
            pk=business.draft_strategy.pk
        )
        strategy.vision = f"{strategy.vision} And {k}."
        keep(strategy)
        # Workplans: items with milestones and progress; history rows.
        plans = [(business.workplan, "draft", business.review)]
        if hasattr(business, "varied_workplan"):
            plans.append((business.varied_workplan, "approved", business.open_review))
        if hasattr(business, "public_workplan"):
            plans.append((business.public_workplan, "approved", business.public_review))
        for workplan, status, review in plans:
            item = make_item(cast, workplan, f"G{k:03}", status=status)
            keep(Milestone(item=item, title=f"Step {k}", due=today))
            add_update(cast, review, item)
        for item in (business.item, getattr(business, "approved_item", None)):
            if item is not None:
                keep(Milestone(item=item, title=f"Step {k}", due=today))
                item = type(item).objects.get(pk=item.pk)
                item.title = f"{item.title} ({k})"
                keep(item)
        workplan = type(business.workplan).objects.get(pk=business.workplan.pk)
        workplan.title = f"Workplan edited {k}"
        keep(workplan)


def make_decision_at(meeting, title):
    from ..base import make_decision

    return make_decision(meeting, title)


def add_update(cast, review, item):
    from workplan.models import ProgressUpdate

    if review.status != "open":
        return
    save_with_reason(
        ProgressUpdate(
            review=review,
            item=item,
            delivery_status="in-progress",
            rag="green",
            percent_complete=50,
            commentary="On track.",
            as_at=timezone.localdate(),
            by=cast.officer,
        ),
        user=cast.officer,
        reason="Test growth",
    )


def measure(pages, cast, client_for, mode):
    """{page: "status, queries" or the error it raised}, each request in a
    savepoint rolled back afterwards, warmed by one request first (caches
    filled, a paper rendered)."""
    counts = {}
    for key, (role, url) in pages.items():
        client = client_for(cast.user(role))
        try:
            with transaction.atomic():
                with fetch_mode(mode):
                    client.get(url)
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url)
                        if hasattr(response, "streaming_content"):
                            b"".join(response.streaming_content)
                transaction.set_rollback(True)
            counts[key] = f"{response.status_code}, {len(queries)} queries"
        except Exception as error:  # reported with the page
            counts[key] = f"{type(error).__name__}: {error}"
    return counts


def readable_pages(cast, business):
    """{(name, arguments): (reader, url)} for every GET row someone may read."""
    rows = list(get_rows())
    urls = [url_for(row, cast, business) for row in rows]
    pages = {}
    for row, url in zip(rows, urls, strict=True):
        role = reader(row, cast, business)
        if role is not None:
            pages[(row.name, row.args)] = (role, url)
    assert len(pages) > 100
    only = os.environ.get("CRAWL_ONLY")  # e.g. "workplan:", while fixing
    return {key: page for key, page in pages.items() if not only or only in key[0]}


def grown_pages(cast, business, client_for, mode):
    """The pages whose query count grew from N to 2N rows, or that raised."""
    pages = readable_pages(cast, business)
    grow(cast, business, N)
    few = measure(pages, cast, client_for, mode)
    grow(cast, business, N)
    many = measure(pages, cast, client_for, mode)
    return [
        f"{name} {args} as {role}: {few[name, args]} -> {many[name, args]}"
        for (name, args), (role, _url) in pages.items()
        if few[name, args] != many[name, args] or "queries" not in few[name, args]
    ]


@pytest.mark.crawl
def test_query_counts_do_not_grow_with_the_rows(cast, business, client_for):
    """Every page readable by someone: as many queries with 2N rows as with
    N, and no related object or deferred field fetched lazily (`FETCH_RAISE`;
    `CRAWL_FETCH_MODE=peers` allows the page's own record to fetch its
    parents, `record` lists every lazy fetch of every page instead)."""
    mode = os.environ.get("CRAWL_FETCH_MODE", "raise")
    if mode == "record":
        # Every lazy fetch of every page, for working through `FETCH_RAISE`.
        seen = {}
        for key, (role, url) in readable_pages(cast, business).items():
            recorder = FetchRecorded()
            with transaction.atomic(), fetch_mode(recorder):
                client_for(cast.user(role)).get(url)
                transaction.set_rollback(True)
            seen[key] = sorted(recorder.seen)
        print(
            *(
                f"{name} {args}: {', '.join(f)}"
                for (name, args), f in seen.items()
                if f
            ),
            sep="\n",
        )
        return
    problems = grown_pages(cast, business, client_for, MODES[mode])
    assert not problems, "\n".join(problems)


def test_fetch_modes_raise_as_documented(cast):
    """`FETCH_RAISE_PEERS` lets one record fetch its parent and refuses a
    list's rows; `FETCH_RAISE` refuses both; outside the block, as before."""
    from django.core.exceptions import FieldFetchBlocked

    from governance.models import Membership

    from ..fetch_modes import FETCH_RAISE

    with fetch_mode(FETCH_RAISE_PEERS):
        assert Membership.objects.filter(user=cast.officer).get().user == cast.officer
        rows = list(Membership.objects.order_by("pk"))
        with pytest.raises(FieldFetchBlocked, match="Membership.user"):
            rows[1].user  # noqa: B018
    with fetch_mode(FETCH_RAISE):
        with pytest.raises(FieldFetchBlocked, match="Membership.organisation"):
            Membership.objects.filter(user=cast.officer).get().organisation  # noqa: B018
    assert list(Membership.objects.order_by("pk"))[1].user is not None
