"""Full-text search: each kind found by its words (stemmed), ranked, scoped
to what the person may read (no draft or other council's record, not even
counted), filtered, and safe with hostile words."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Committee, Recommendation, Resolution
from governance.history import save_with_reason
from governance.models import Membership
from governance.people import end_membership
from search.sources import Kind, search
from strategy.models import Objective, Risk, Strategy, Theme
from workplan.models import ProgressNote

from ..base import (
    approve_workplan,
    make_item,
    make_meeting,
    make_report,
    put_on_agenda,
)

URL = reverse("search:search")
pytestmark = pytest.mark.django_db


def _save(row, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    return save_with_reason(row, user=None, reason="Test set-up")


@pytest.fixture
def corpus(cast, business):
    """Council A's business with words to find in each kind, the approved
    records' and the drafts' apart; and council B's strategy with the same
    words as council A's."""
    approved = business.approved_strategy
    _save(approved, body="Plans for the renewal of the data centre.")
    theme = approved.themes.get()
    _save(theme, title="Resilient infrastructure")
    _save(theme.objectives.get(), text="Move payroll to cloud hosting.")
    _save(approved.risks.get(), description="Ransomware attack on the network")
    _save(business.objective, text="Quantum telephony for every office.")
    _save(business.theme, title="Gwasanaethau digidol Cymraeg")
    item = make_item(
        cast,
        business.workplan,
        "WP02",
        title="Replace the switchboard",
        description="Cloud telephony for the contact centre.",
    )
    approve_workplan(cast, business, business.workplan)
    ProgressNote.objects.create(
        item=item,
        text="Renewing the broadband contract; signed in March.",
        written_on="2023-03-01",
    )
    _save(business.report, summary="Digitising the paper archive.")
    _save(business.unpublished_report, summary="Closing the print room archive.")
    _save(business.published_decision, record="Cabinet agreed the wifi upgrade.")
    _save(business.draft_decision, record="A secret merger of the wifi teams.")
    Strategy.objects.create(
        organisation=cast.council_b,
        title="Brackley payroll ransomware strategy",
        period_start_year=2024,
        period_end_year=2027,
        created_by=cast.other_council,
        body="Renewal of payroll.",
    )
    return business


def titles(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    found = re.findall(
        r'<h3 class="govuk-heading-s[^"]*">'
        r'<a class="govuk-link" href="[^"]*">([^<]*)</a>',
        response.content.decode(),
    )
    return response, found


def test_each_kind_is_found_by_words_from_its_text_with_english_stemming(
    corpus, cast, client_for
):
    client = client_for(cast.member)
    strategy = corpus.approved_strategy.title
    # The strategy's body, a theme, an objective, a risk.
    for words in ["renewing data centres", "resilience", "payroll", "ransomware"]:
        _response, found = titles(client, q=words)
        assert strategy in found, words
    # A workplan item, and a progress note ("renewal" finds "Renewing").
    assert titles(client, q="switchboard")[1] == ["WP02 Replace the switchboard"]
    response, found = titles(client, q="broadband renewal")
    assert found == ["WP02 Replace the switchboard"]
    assert "Progress note" in response.content.decode()
    assert "<mark>Renewing</mark>" in response.content.decode()
    # A report on a published agenda, a published decision, a meeting by its agenda.
    assert titles(client, q="digitised archives")[1] == [corpus.report.title]
    assert titles(client, q="wifi")[1] == ["Published decision"]
    _response, found = titles(client, q="ICT Strategy 2026", kind=Kind.MEETING)
    assert found == [str(corpus.meeting)]


def test_a_title_match_ranks_before_a_match_in_the_text(corpus, cast, client_for):
    _save(corpus.published_decision, title="Kiosk replacement")
    _save(corpus.report, summary="The kiosk in the library is old.")
    found = titles(client_for(cast.member), q="kiosk")[1]
    assert found == ["Kiosk replacement", corpus.report.title]


def test_members_never_find_drafts_nor_see_them_counted(corpus, cast, client_for):
    client = client_for(cast.member)
    for words in ["quantum", "print room", "secret merger", "Cymraeg"]:
        response, found = titles(client, q=words)
        assert found == [], words
        assert "0 results" in response.content.decode()
    found = search(cast.member, cast.council_a, "wifi")
    assert found.counts[Kind.DECISION] == 1
    # Officers read the draft strategy and the unpublished report, not the
    # draft decision; clerks that too.
    officer = client_for(cast.officer)
    assert titles(officer, q="quantum")[1] == [corpus.draft_strategy.title]
    assert titles(officer, q="print room")[1] == [corpus.unpublished_report.title]
    assert titles(officer, q="secret merger")[1] == []
    assert titles(client_for(cast.clerk), q="secret merger")[1] == ["Draft decision"]
    # Welsh words are found as written.
    assert titles(officer, q="Cymraeg")[1] == [corpus.draft_strategy.title]


def test_another_councils_records_never_appear_nor_are_counted(
    corpus, cast, client_for
):
    found = search(cast.officer, cast.council_a, "payroll")
    assert [r.title for r in found.results] == [corpus.approved_strategy.title]
    assert found.total == 1
    response, found = titles(client_for(cast.other_council), q="payroll ransomware")
    assert found == ["Brackley payroll ransomware strategy"]
    assert corpus.approved_strategy.title not in response.content.decode()
    # A's records asked for in B's name find nothing.
    assert search(cast.other_council, cast.council_a, "payroll").total == 0


def test_filters_narrow_by_kind_committee_and_date(corpus, cast, client_for):
    client = client_for(cast.member)
    response, found = titles(client, q="renewal", kind=Kind.WORKPLAN)
    assert found == ["WP02 Replace the switchboard"]
    # Counts of the other kinds are still shown for the kind filter.
    assert "Strategies: 1" in response.content.decode()
    cabinet = Committee.objects.get(organisation=cast.council_a, name="Cabinet")
    scrutiny = Committee.objects.get(
        organisation=cast.council_a, name="Overview and Scrutiny Committee"
    )
    assert titles(client, q="wifi", committee=cabinet.pk)[1] == ["Published decision"]
    assert titles(client, q="wifi", committee=scrutiny.pk)[1] == []
    # A committee leaves out what belongs to none (strategies, items).
    assert titles(client, q="renewal", committee=cabinet.pk)[1] == []
    # Dates: progress notes by the day written, strategies by their years.
    assert titles(client, q="broadband", **{"from": "2/3/2023"})[1] == []
    assert titles(client, q="broadband", to="1/3/2023")[1] == [
        "WP02 Replace the switchboard"
    ]
    assert titles(client, q="ransomware", **{"from": "1/1/2026"})[1] == []
    assert titles(client, q="ransomware", to="31/12/2025")[1] == [
        corpus.approved_strategy.title
    ]


@pytest.mark.parametrize(
    "words",
    [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        '"unclosed -- or or ( ) & | ! :*',
        "Strategaeth ddigidol y cyngor",
        "استراتيجية رقمية",
        "the and of",
        "   ",
        "",
    ],
)
def test_hostile_or_odd_words_give_a_normal_page(words, corpus, cast, client_for):
    response = client_for(cast.member).get(URL, {"q": words})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "secret merger" not in page and "Quantum" not in page


def test_junk_in_the_query_string_gives_a_normal_page(corpus, cast, client_for):
    client = client_for(cast.member)
    for page in ["-1", "0", "999999", "abc"]:
        response, found = titles(client, q="renewal", page=page)
        assert found, page
    response, found = titles(client, q="renewal", kind="password")
    assert "Select what to search from the list" in response.content.decode()
    assert found == []
    other = Committee.objects.get(organisation=cast.council_b, name="Cabinet")
    response, found = titles(client, q="wifi", committee=other.pk)
    assert "Select the committee from the list" in response.content.decode()
    assert found == []
    date = {"to-day": "31", "to-month": "2", "to-year": "2026"}
    response, found = titles(client, q="wifi", **date)
    assert found == []
    assert "Date to search to must be a real date" in response.content.decode()


def test_user_text_in_snippets_stays_escaped(corpus, cast, client_for):
    _save(
        corpus.published_decision,
        record="Tom & Jerry's <img src=x onerror=alert(1)> kiosk \ue000upgrade.",
    )
    page = client_for(cast.member).get(URL, {"q": "kiosk"}).content.decode()
    snippet = page.split('app-search-result__snippet">', 1)[1].split("</p>")[0]
    assert (
        "Jerry&#x27;s &lt;img src=x onerror=alert(1)&gt; <mark>kiosk</mark> upgrade."
        in snippet
    )
    assert "<img" not in page


def test_words_longer_than_200_characters_are_refused_with_a_message(
    cast, business, client_for
):
    response = client_for(cast.member).get(URL, {"q": "digital " * 1250})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Search words must be 200 characters or fewer" in page
    assert "govuk-error-summary" in page
    assert "<title>Error: " in page


def test_an_empty_search_explains_what_can_be_searched(cast, business, client_for):
    page = client_for(cast.member).get(URL).content.decode()
    assert "Search the council’s strategies" in page
    assert "result" not in page.split("<main", 1)[1].split("</main>")[0]


def test_someone_whose_role_ended_finds_nothing(corpus, cast, client_for):
    client = client_for(cast.member)
    end_membership(
        Membership.objects.get(user=cast.member, organisation=cast.council_a),
        by=cast.administrator,
        reason="Left the council",
    )
    response = client.get(URL, {"q": "payroll ransomware wifi"})
    assert response.status_code == 200
    page = response.content.decode()
    assert corpus.approved_strategy.title not in page
    assert "Published decision" not in page


def test_the_number_of_queries_does_not_grow_with_the_results(corpus, cast, client_for):
    client = client_for(cast.officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "lantern"}).status_code == 200
        return len(captured)

    def add(n, start):
        for number in range(start, start + n):
            make_item(cast, corpus.workplan, f"L{number}", title=f"Lantern {number}")
            report = make_report(cast.council_a, f"Lantern report {number}")
            put_on_agenda(corpus.meeting, report, position=10 + number)
            Theme.objects.create(
                strategy=corpus.approved_strategy, position=10 + number, title="Lantern"
            )
            Objective.objects.create(
                theme=corpus.theme, position=10 + number, text="Lantern"
            )
            Risk.objects.create(
                strategy=corpus.approved_strategy,
                description="Lantern",
                likelihood="low",
                impact="low",
            )
            Recommendation.objects.create(
                report=corpus.report, position=10 + number, text="Lantern"
            )
            Resolution.objects.create(
                decision=corpus.published_decision, position=10 + number, text="Lantern"
            )
            make_meeting(
                corpus.cabinet, corpus.meeting.starts_at, venue=f"Lantern {number}"
            )
            Committee.objects.create(
                organisation=cast.council_a, name=f"Lantern {number}", kind="scrutiny"
            )

    add(3, 0)
    few = queries()
    add(6, 3)
    many = queries()
    # Session, user and council; then one query per source (thirteen).
    assert few == many


def test_a_progress_update_is_found_once_its_review_is_reported(
    cast, corpus, client_for
):
    """An officer finds words from an update in an open review round; a
    member finds them once the round has been reported (closed)."""
    from django.utils import timezone

    from workplan.models import ProgressUpdate, Review

    item = corpus.workplan.items.get(reference="WP02")
    review = corpus.review
    ProgressUpdate.objects.create(
        review=review,
        item=item,
        delivery_status="on-track",
        rag="amber",
        rag_reason="Supplier slipped",
        percent_complete=40,
        commentary="Porting the numbers to the hosted exchange began in June.",
        as_at=timezone.localdate(),
    )
    officer = client_for(cast.officer)
    assert "WP02 Replace the switchboard" in titles(officer, q="porting exchange")[1]
    member = client_for(cast.member)
    assert titles(member, q="porting exchange")[1] == []
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.CLOSED, reported_on=timezone.localdate()
    )
    assert "WP02 Replace the switchboard" in titles(member, q="porting exchange")[1]


def _child_texts(corpus, cast):
    """Recommendations, resolutions, a committee's purpose and a meeting's
    venue with words to find: the published records' and the hidden ones'
    apart, and council B's committee with the same words."""
    _save(
        Recommendation.objects.get(report=corpus.report),
        text="That Cabinet agrees to decommission the mainframe.",
    )
    _save(
        Recommendation.objects.get(report=corpus.unpublished_report),
        text="That the telex machines are sold.",
    )
    _save(
        Resolution.objects.get(decision=corpus.published_decision),
        text="The hosting contract is awarded to Fenland Data Ltd.",
    )
    _save(
        Resolution.objects.get(decision=corpus.draft_decision),
        text="The clandestine outsourcing is approved.",
    )
    _save(corpus.cabinet, purpose="Takes the executive decisions on broadband.")
    _save(corpus.meeting, venue="Marlowe Room, Guildhall")
    _save(
        Committee.objects.get(organisation=cast.council_b, name="Cabinet"),
        purpose="Oversees the telex machines and the clandestine outsourcing.",
    )


def test_recommendations_resolutions_committees_and_venues_are_found_as_their_parent(
    corpus, cast, client_for
):
    _child_texts(corpus, cast)
    member = client_for(cast.member)
    # A recommendation: its report, "Recommendation 1", the words marked.
    response, found = titles(member, q="decommissioning mainframes")
    assert found == [corpus.report.title]
    page = response.content.decode()
    assert f'href="{corpus.report.get_absolute_url()}"' in page
    assert "Recommendation 1" in page
    assert "<mark>decommission</mark> the <mark>mainframe</mark>" in page
    # A resolution: its decision, "Resolution 1".
    response, found = titles(member, q="Fenland hosting")
    assert found == ["Published decision"]
    assert "Resolution 1" in response.content.decode()
    assert titles(member, q="Fenland", kind=Kind.DECISION)[1] == ["Published decision"]
    assert titles(member, q="Fenland", kind=Kind.REPORT)[1] == []
    # A committee by its purpose (and name), a meeting by its venue.
    cabinet, scrutiny = corpus.cabinet, corpus.scrutiny_meeting.committee
    response, found = titles(member, q="executive decisions broadband")
    assert "Cabinet" in found
    assert "Takes the <mark>executive</mark>" in response.content.decode()
    assert titles(member, q="Cabinet", kind=Kind.COMMITTEE)[1] == ["Cabinet"]
    committee_page = member.get(
        reverse("decisions:committee_detail", args=[cast.council_a.slug, cabinet.pk])
    )
    assert "Takes the executive decisions on broadband." in committee_page.text
    response, found = titles(member, q="Marlowe Guildhall")
    assert found == [str(corpus.meeting)]
    assert "Venue" in response.content.decode()
    # Filters: the committee, and dates (a committee has none: left out).
    assert titles(member, q="Fenland", committee=cabinet.pk)[1] == [
        "Published decision"
    ]
    assert titles(member, q="Fenland", committee=scrutiny.pk)[1] == []
    assert titles(member, q="broadband", kind=Kind.COMMITTEE, to="1/1/2100")[1] == []
    # Hidden parents hide their children, from results and counts: the
    # unpublished agenda's report, the draft decision, council B's committee.
    for words in ["telex machines", "clandestine outsourcing"]:
        response, found = titles(member, q=words)
        assert found == [], words
        assert "0 results" in response.content.decode()
        assert search(cast.member, cast.council_a, words).total == 0
    officer = client_for(cast.officer)
    assert titles(officer, q="telex")[1] == [corpus.unpublished_report.title]
    assert titles(officer, q="clandestine")[1] == []
    assert titles(client_for(cast.clerk), q="clandestine")[1] == ["Draft decision"]
    assert search(cast.clerk, cast.council_a, "clandestine").total == 1
    assert search(cast.other_council, cast.council_a, "mainframe").total == 0
    # Hostile or foreign words: a normal page, nothing hidden shown.
    for words in [
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "Strategaeth ddigidol y cyngor",
        "استراتيجية رقمية",
        "mainframe " * 1250,
    ]:
        response = member.get(URL, {"q": words})
        assert response.status_code == 200
        page = response.content.decode()
        assert "<script>alert" not in page
        assert "telex" not in page and "clandestine" not in page
    # Welsh and Arabic text in a recommendation is found as written.
    _save(
        Recommendation.objects.get(report=corpus.report),
        text="Bod y Cabinet yn cymeradwyo’r strategaeth ddigidol. استراتيجية رقمية",
    )
    assert titles(member, q="cymeradwyo’r")[1] == [corpus.report.title]
    assert titles(member, q="رقمية")[1] == [corpus.report.title]
