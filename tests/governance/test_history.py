import itertools
import random
import re

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance import history
from governance.diff_store import diff_key, pack, unpack
from governance.history import (
    Change,
    HistorySource,
    compare_snapshots,
    excerpt,
    history_entries,
    save_with_reason,
    word_diff,
    word_diffs,
)
from governance.models import Membership, StoredDiff
from strategy.models import Objective, Risk, Strategy, Theme
from tests.base import sign_in

HOSTILE = "<script>alert(1)</script>"


def joined(diff, *kinds):
    return "".join(text for kind, text in diff if kind in kinds)


def make_strategy(cast, title="Digital Ashdown", **fields):
    strategy = Strategy(
        organisation=cast.council_a,
        title=title,
        period_start_year=2024,
        period_end_year=2027,
        **fields,
    )
    return save_with_reason(strategy, user=cast.officer, reason="First draft")


def make_theme(strategy, user, position=1, title="Digital by default", **fields):
    theme = Theme(strategy=strategy, position=position, title=title, **fields)
    return save_with_reason(theme, user=user, reason="Theme added")


def entries_for(strategy):
    """History of a strategy, its themes and its risks."""
    return history_entries(
        [
            HistorySource(
                rows=Strategy.history.filter(id=strategy.pk).select_related(
                    "history_user"
                ),
                fields=Strategy.CONTENT_FIELDS,
                subject=lambda row: row.title,
            ),
            HistorySource(
                rows=Theme.history.filter(strategy_id=strategy.pk).select_related(
                    "history_user"
                ),
                fields=["position", "title", "description"],
                subject=lambda row: f"Theme “{row.title}”",
            ),
            HistorySource(
                rows=Risk.history.filter(strategy_id=strategy.pk).select_related(
                    "history_user"
                ),
                fields=["description", "likelihood", "impact", "mitigation"],
                subject=lambda row: f"Risk “{row.description[:40]}”",
            ),
        ]
    )


def changes_by_label(entry):
    return {change.label: change for change in entry.changes}


# --- word_diff --------------------------------------------------------------


def test_word_diff_gives_back_both_texts_exactly():
    pairs = [
        ("The cat sat on the mat.", "The dog sat on the mat!"),
        ("Line one\n\nLine  two", "Line one\nLine 2 and more\n"),
        ("", "All new"),
        ("All gone", ""),
        ("a b c", "x y z"),
        ("Same", "Same"),
    ]
    for old, new in pairs:
        diff = word_diff(old, new)
        assert joined(diff, "same", "removed") == old
        assert joined(diff, "same", "added") == new


def test_word_diff_marks_a_single_changed_word():
    diff = word_diff("We will move to the cloud", "We will move to the internet")
    assert diff == [
        ("same", "We will move to the "),
        ("removed", "cloud"),
        ("added", "internet"),
    ]


def test_word_diff_merges_a_run_of_replaced_words_into_one_change():
    assert word_diff("a b c", "x y z") == [("removed", "a b c"), ("added", "x y z")]


def long_prose(seed, length):
    """Made-up prose of `length` characters, sentences and paragraphs."""
    rng = random.Random(seed)
    words = "council residents services digital data cloud the and of to we".split()
    sentences = []
    while sum(map(len, sentences)) < length:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 18)))
        sentences.append(
            sentence.capitalize() + (".\n\n" if rng.random() < 0.2 else ". ")
        )
    return "".join(sentences)[:length]


def test_word_diff_of_two_long_texts_marks_only_what_changed():
    # 50,000 characters of few distinct words (hardly a word occurs once),
    # changed in three places far apart.
    old = long_prose(1, 50_000)
    words = old.split(" ")
    for at, word in ((100, "FIRST"), (4_000, "SECOND"), (7_500, "THIRD")):
        words[at] = word
    new = " ".join(words)
    diff = word_diff(old, new)
    assert joined(diff, "same", "removed") == old
    assert joined(diff, "same", "added") == new
    assert joined(diff, "added") == "FIRSTSECONDTHIRD"
    assert len(joined(diff, "removed")) < 40


def test_word_diff_gives_back_both_texts_of_long_rewrites():
    old, other = long_prose(2, 20_000), long_prose(3, 20_000)
    cases = [
        other,  # rewritten
        old.replace("the", "The"),  # a change in nearly every sentence
        old[10_000:] + old[:10_000],  # halves swapped
        "",
    ]
    for new in cases:
        diff = word_diff(old, new)
        assert joined(diff, "same", "removed") == old
        assert joined(diff, "same", "added") == new


# --- history_entries ----------------------------------------------------------


def test_creation_lists_every_field_with_a_value(cast):
    strategy = make_strategy(cast, vision="Services online first")
    [entry] = entries_for(strategy)
    assert entry.action == "created"
    assert entry.user == cast.officer
    assert entry.reason == "First draft"
    assert entry.subject == "Digital Ashdown"
    changes = changes_by_label(entry)
    assert set(changes) == {"Title", "First year", "Last year", "Vision"}
    assert changes["Vision"].old == ""
    assert changes["Vision"].new == "Services online first"
    assert changes["First year"].new == "2024"


def test_a_field_change_records_who_why_and_what(cast):
    strategy = make_strategy(cast)
    strategy.title = "Digital Ashdown 2024–2027"
    strategy.period_end_year = 2028
    save_with_reason(strategy, user=cast.clerk, reason="Committee asked")
    latest, first = entries_for(strategy)
    assert first.action == "created"
    assert latest.action == "changed"
    assert latest.user == cast.clerk
    assert latest.reason == "Committee asked"
    assert latest.subject == "Digital Ashdown 2024–2027"
    assert [(c.label, c.old, c.new, c.diff) for c in latest.changes] == [
        ("Title", "Digital Ashdown", "Digital Ashdown 2024–2027", None),
        ("Last year", "2027", "2028", None),
    ]


def test_a_theme_added_and_deleted_shows_both(cast):
    strategy = make_strategy(cast)
    theme = make_theme(strategy, cast.officer, description="Online first")
    theme._history_user = cast.clerk
    theme._change_reason = "Merged into another theme"
    theme.delete()
    deleted, added, created = entries_for(strategy)
    assert created.subject == "Digital Ashdown"
    assert added.action == "created"
    assert added.subject == "Theme “Digital by default”"
    assert changes_by_label(added)["Description"].new == "Online first"
    assert deleted.action == "deleted"
    assert deleted.subject == "Theme “Digital by default”"
    assert deleted.user == cast.clerk
    assert deleted.reason == "Merged into another theme"
    assert deleted.changes == []


def test_a_long_text_change_has_a_word_diff(cast):
    body = "Our residents expect to reach us online at any hour.\nWe will help."
    strategy = make_strategy(cast, body=body)
    strategy.body = body.replace("any hour", "any time of day")
    save_with_reason(strategy, user=cast.officer, reason="Wording")
    [change] = entries_for(strategy)[0].changes
    assert change.label == "The strategy in full"
    assert ("removed", "hour") in change.diff
    assert ("added", "time of day") in change.diff
    assert joined(change.diff, "same", "removed") == body


def test_a_save_that_changes_no_compared_field_and_gives_no_reason_is_skipped(cast):
    strategy = make_strategy(cast)
    # A fresh instance: save_with_reason's user and reason stay on the old one.
    Strategy.objects.get(pk=strategy.pk).save()  # only bumps the version
    assert strategy.history.count() == 2
    assert [entry.action for entry in entries_for(strategy)] == ["created"]


def test_a_save_that_changes_no_compared_field_but_says_why_is_kept(cast):
    strategy = make_strategy(cast)
    save_with_reason(strategy, user=cast.clerk, reason="Sent to scrutiny")
    latest, _created = entries_for(strategy)
    assert latest.action == "changed"
    assert latest.reason == "Sent to scrutiny"
    assert latest.changes == []


def test_choices_are_shown_by_their_labels(cast):
    strategy = make_strategy(cast)
    risk = Risk(
        strategy=strategy, description="Supplier fails", likelihood="low", impact="high"
    )
    save_with_reason(risk, user=cast.officer, reason="Risk added")
    risk.likelihood = "medium"
    save_with_reason(risk, user=cast.officer, reason="Supplier in difficulty")
    changed, created = entries_for(strategy)[:2]
    assert changes_by_label(created)["Impact"].new == "High"
    [change] = changed.changes
    assert (change.label, change.old, change.new) == ("Likelihood", "Low", "Medium")


def test_building_entries_costs_the_same_queries_however_long_the_history(cast):
    def count_queries(strategy):
        with CaptureQueriesContext(connection) as queries:
            entries = entries_for(strategy)
            # Reading who made each change must not query either.
            [str(entry.user) for entry in entries]
        return len(entries), len(queries)

    def make_history(changes):
        strategy = make_strategy(cast, title=f"Strategy with {changes} changes")
        theme = make_theme(strategy, cast.officer)
        for number in range(changes):
            strategy.vision = f"Vision {number}"
            save_with_reason(strategy, user=cast.officer, reason=f"Edit {number}")
            theme.description = f"Description {number}"
            save_with_reason(theme, user=cast.clerk, reason=f"Edit {number}")
        return strategy

    short_entries, short_queries = count_queries(make_history(3))
    long_entries, long_queries = count_queries(make_history(12))
    assert (short_entries, long_entries) == (2 + 6, 2 + 24)
    # One query per source (strategy, themes, risks), history users joined.
    assert short_queries == long_queries == 3


def test_foreign_keys_are_shown_by_name_with_one_query_for_all_rows(cast):
    strategy = make_strategy(cast)
    officer, clerk = (
        Membership.objects.get(user=user, organisation=cast.council_a)
        for user in (cast.officer, cast.clerk)
    )
    for lead in (officer, clerk, officer):
        strategy.lead_officer = lead
        save_with_reason(strategy, user=cast.officer, reason="New lead officer")
    source = HistorySource(
        rows=Strategy.history.filter(id=strategy.pk).select_related("history_user"),
        fields=["lead_officer"],
        subject=str,
    )
    with CaptureQueriesContext(connection) as queries:
        entries = history_entries([source])
    # The history rows; the memberships (with their users and councils).
    assert len(queries) == 2
    assert [(c.old, c.new) for c in entries[0].changes] == [(str(clerk), str(officer))]
    assert entries[-2].changes == [
        Change(label="Lead officer", old="", new=str(officer))
    ]


# --- compare_snapshots --------------------------------------------------------


def snapshot_of(strategy):
    # Freshly loaded: snapshot() keeps its prefetched parts on the instance.
    return Strategy.objects.get(pk=strategy.pk).snapshot()


def add_objective(theme, user, position, text):
    objective = Objective(theme=theme, position=position, text=text)
    return save_with_reason(objective, user=user, reason="Objective added")


def test_compare_snapshots_marks_exactly_the_changed_fields_and_objective(cast):
    strategy = make_strategy(cast, vision="Online first", summary="One page")
    theme = make_theme(strategy, cast.officer, description="Services online")
    add_objective(theme, cast.officer, 1, "Move forms online")
    objective = add_objective(theme, cast.officer, 2, "Close the old portal")
    approved = snapshot_of(strategy)

    strategy.vision = "Online first, never online only"
    save_with_reason(strategy, user=cast.officer, reason="Minor amendment")
    objective.text = "Close the old portal by 2026"
    save_with_reason(objective, user=cast.officer, reason="Minor amendment")
    details, themes, risks = compare_snapshots(approved, snapshot_of(strategy))

    assert details.title == "Details"
    assert [row.label for row in details.rows if row.changed] == ["Vision"]
    assert details.changed == 1
    [vision] = [row for row in details.rows if row.changed]
    assert (vision.approved, vision.current) == (
        "Online first",
        "Online first, never online only",
    )
    assert ("added", ", never online only") in vision.diff

    assert themes.title == "Themes and objectives"
    [row] = themes.rows
    assert row.label == "Theme 1"
    assert row.changed
    assert row.approved == (
        "Digital by default\nServices online\nMove forms online\nClose the old portal"
    )
    assert [piece for piece in row.diff if piece[0] != "same"] == [
        ("added", " by 2026")
    ]
    assert risks.title == "Risks"
    assert risks.rows == []


def test_compare_snapshots_shows_added_and_removed_items_whole():
    approved = {"fields": {}, "risks": [{"description": "Supplier fails"}]}
    current = {
        "fields": {},
        "themes": [{"title": "Digital by default", "objectives": []}],
        "risks": [],
        "benefits": [{"text": "Savings", "amount": "£1m"}],
    }
    details, themes, risks, benefits = compare_snapshots(approved, current)
    assert details.rows == []
    assert themes.rows[0].diff == [("added", "Digital by default")]
    assert risks.rows[0].diff == [("removed", "Supplier fails")]
    assert benefits.title == "Benefits"
    assert benefits.rows[0].label == "Benefit 1"
    assert benefits.rows[0].current == "Savings\nAmount: £1m"


# --- templates ----------------------------------------------------------------


class Record:
    """Stands in for a record on the page (its own URLs may not exist yet)."""

    def __str__(self):
        return HOSTILE

    def get_absolute_url(self):
        return "/strategies/1/"


def page_request(user):
    request = RequestFactory().get("/")
    request.user = user if user is not None else AnonymousUser()
    request.organisation = None
    return request


def assert_escaped(html):
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_history_page_escapes_hostile_text_in_tables_and_diffs(cast):
    long_text = f"A long vision that is well over sixty characters. {HOSTILE}"
    strategy = make_strategy(cast, title=HOSTILE, vision=long_text)
    strategy.vision = long_text + " More."
    strategy.summary = HOSTILE
    save_with_reason(strategy, user=cast.officer, reason=HOSTILE)
    html = render_to_string(
        "governance/history.html",
        {"object": Record(), "entries": entries_for(strategy)},
        request=page_request(cast.officer),
    )
    assert_escaped(html)
    assert "History of &lt;script&gt;" in html
    assert '<ins class="app-diff__added">' in html
    assert '<span class="govuk-visually-hidden">added: </span> More.</ins>' in html
    assert "Officer Tester" in html


def test_history_page_says_when_there_is_no_history_and_names_the_system(cast):
    empty = render_to_string(
        "governance/history.html",
        {"object": Record(), "entries": []},
        request=page_request(cast.officer),
    )
    assert "Nothing has been recorded yet." in empty
    strategy = Strategy(
        organisation=cast.council_a,
        title="Imported",
        period_start_year=2024,
        period_end_year=2027,
    )
    save_with_reason(strategy, user=None, reason="Imported")
    html = render_to_string(
        "governance/history.html",
        {"object": Record(), "entries": entries_for(strategy)},
        request=page_request(cast.officer),
    )
    assert "System" in html


def test_compare_page_escapes_hostile_text_and_marks_changes(cast):
    strategy = make_strategy(cast, vision="Online first")
    theme = make_theme(strategy, cast.officer, description="Services online")
    add_objective(theme, cast.officer, 1, "Move forms online")
    approved = snapshot_of(strategy)
    strategy.vision = f"Online first {HOSTILE}"
    save_with_reason(strategy, user=cast.officer, reason="Amended")
    add_objective(theme, cast.officer, 2, HOSTILE)

    class Approved:
        approved_on = timezone.datetime(2025, 3, 4).date()

    class Amendment:
        made_on = timezone.datetime(2025, 5, 6).date()
        made_by = cast.officer
        authorised_by = cast.administrator
        reason = HOSTILE

    html = render_to_string(
        "governance/compare.html",
        {
            "object": Record(),
            "approved": Approved(),
            "sections": compare_snapshots(approved, snapshot_of(strategy)),
            "amendments": [Amendment()],
        },
        request=page_request(cast.member),
    )
    assert_escaped(html)
    assert "4 March 2025" in html
    assert "6 May 2025" in html
    assert "Administrator Tester" in html
    assert html.count('<ins class="app-diff__added">') == 2
    assert "Themes and objectives" in html
    assert "Minor amendments under delegated powers" in html


def test_compare_page_says_when_there_are_no_amendments(cast):
    strategy = make_strategy(cast)
    snapshot = snapshot_of(strategy)

    class Approved:
        approved_on = timezone.localdate()

    html = render_to_string(
        "governance/compare.html",
        {
            "object": Record(),
            "approved": Approved(),
            "sections": compare_snapshots(snapshot, snapshot),
            "amendments": [],
        },
        request=page_request(cast.member),
    )
    assert "None have been made." in html
    assert "No changes since approval." in html
    assert "app-diff__added" not in html


def test_a_snapshot_stored_as_jsonb_compares_unchanged_with_itself(cast, business):
    from governance.lifecycle import ApprovedVersion
    from strategy.models import Strategy

    strategy = Strategy.objects.get(pk=business.approved_strategy.pk)
    stored = ApprovedVersion.latest_for(strategy)
    sections = compare_snapshots(stored.data, strategy.snapshot())
    assert all(section.changed == 0 for section in sections), [
        (row.label, row.approved, row.current)
        for section in sections
        for row in section.rows
        if row.changed
    ]


# --- kept word diffs ----------------------------------------------------------


def test_a_long_diff_is_worked_out_once_and_read_back_after(cast):
    text = long_prose(4, 5_000)
    strategy = make_strategy(cast, vision=text)
    for number in range(3):
        strategy.vision = strategy.vision.replace("council", f"Council{number}", 1)
        save_with_reason(strategy, user=cast.officer, reason=f"Edit {number}")
    # (Saves in a test's transaction do not commit: nothing was kept as the
    # edits were recorded.)
    assert not StoredDiff.objects.exists()

    with CaptureQueriesContext(connection) as cold:
        entries = entries_for(strategy)
    assert StoredDiff.objects.count() == 3
    with CaptureQueriesContext(connection) as warm:
        again = entries_for(strategy)
    # Three sources; the kept diffs read in one query; on the first view the
    # new ones kept in one INSERT (inside a savepoint).
    assert len(warm) == 3 + 1
    assert [q["sql"] for q in cold if "INSERT" in q["sql"]] != []
    assert [q["sql"] for q in warm if "INSERT" in q["sql"]] == []

    def vision_diffs(entries):
        return [
            change.diff
            for entry in entries
            for change in entry.changes
            if change.label == "Vision" and entry.action == "changed"
        ]

    assert vision_diffs(entries) == vision_diffs(again)
    assert len(vision_diffs(entries)) == 3

    # What is kept is what is shown: a kept diff changed by hand shows.
    newest = entries[0]
    [vision] = [c for c in newest.changes if c.label == "Vision"]
    row = StoredDiff.objects.get(key=diff_key(vision.old, vision.new))
    row.pieces = [["r", len(vision.old)], ["a", len(vision.new)]]
    row.save()
    [shown] = [c for c in entries_for(strategy)[0].changes if c.label == "Vision"]
    assert shown.diff == [("removed", vision.old), ("added", vision.new)]


def test_a_kept_diff_that_does_not_fit_its_texts_is_worked_out_again():
    old, new = long_prose(5, 3_000), long_prose(6, 3_000)
    assert unpack([["s", 10], ["a", 5]], old, new) is None
    assert unpack([["x", len(old)]], old, new) is None
    assert unpack(pack(word_diff(old, new)), old, new) == word_diff(old, new)


def test_a_change_to_a_long_text_is_diffed_when_it_is_recorded(
    cast, django_capture_on_commit_callbacks
):
    strategy = make_strategy(cast, vision=long_prose(7, 3_000))
    old = strategy.vision
    strategy.vision = old.replace("data", "DATA", 2)
    with django_capture_on_commit_callbacks(execute=True):
        save_with_reason(strategy, user=cast.officer, reason="Wording")
    row = StoredDiff.objects.get(key=diff_key(old, strategy.vision))
    assert unpack(row.pieces, old, strategy.vision) == word_diff(old, strategy.vision)


def test_the_history_page_reads_kept_diffs_with_a_flat_query_count(cast, client):
    strategy = make_strategy(cast, vision=long_prose(8, 4_000))

    def edit(times):
        for number in range(times):
            strategy.vision = strategy.vision.replace(" the ", f" THE{number} ", 1)
            save_with_reason(strategy, user=cast.officer, reason="Edit")

    sign_in(client, cast.officer)
    url = reverse("strategy:strategy_history", args=[strategy.pk])
    edit(2)
    client.get(url)
    with CaptureQueriesContext(connection) as two_edits:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'<ins class="app-diff__added">') >= 2
    edit(4)
    client.get(url)
    with CaptureQueriesContext(connection) as six_edits:
        client.get(url)
    assert len(two_edits) == len(six_edits)
    assert StoredDiff.objects.count() == 6
    # Long unchanged stretches are cut, not printed six times over: the
    # whole text is only inside "Show the whole text" (closed).
    html = response.content.decode()
    assert "words unchanged" in html
    # Two edits and the text as first written.
    assert html.count("Show the whole text") == 2 + 1
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<details.*?</details>", "", main, flags=re.S)
    shown = " ".join(re.sub(r"<[^>]*>", "", main).split())
    assert len(shown) < len(strategy.vision) / 2, shown


def numbered(count, changed=()):
    """ "w0 w1 w2 …" with the words at `changed` in capitals."""
    return " ".join(f"W{n}" if n in changed else f"w{n}" for n in range(count))


def words_in(text):
    return len(re.findall(r"\w+", text))


def test_an_excerpt_keeps_a_few_words_either_side_of_each_change():
    old, new = numbered(200), numbered(200, changed={50, 150})
    shown = excerpt(word_diff(old, new), context=8)
    assert [kind for kind, _text in shown] == [
        *("skipped", "same", "removed", "added", "same", "skipped"),
        *("same", "removed", "added", "same", "skipped"),
    ]
    assert [text for kind, text in shown if kind in ("removed", "added")] == [
        "w50",
        "W50",
        "w150",
        "W150",
    ]
    # Eight words either side of each change, cut at whole words.
    assert [text for kind, text in shown if kind == "same"] == [
        " w42 w43 w44 w45 w46 w47 w48 w49 ",
        " w51 w52 w53 w54 w55 w56 w57 w58 ",
        " w142 w143 w144 w145 w146 w147 w148 w149 ",
        " w151 w152 w153 w154 w155 w156 w157 w158 ",
    ]
    # What is cut says how much, for a screen reader ("[…]" on screen).
    assert [text for kind, text in shown if kind == "skipped"] == [
        "42 words unchanged",
        "83 words unchanged",
        "41 words unchanged",
    ]


def test_an_excerpt_of_changes_at_the_start_and_end_has_no_cut_beyond_them():
    old, new = numbered(100), numbered(100, changed={0, 99})
    shown = excerpt(word_diff(old, new), context=8)
    assert shown[:2] == [("removed", "w0"), ("added", "W0")]
    assert shown[-2:] == [("removed", "w99"), ("added", "W99")]
    assert [kind for kind, _text in shown[2:-2]] == ["same", "skipped", "same"]
    # A short stretch between two changes is kept whole.
    close = numbered(30, changed={10, 20})
    assert excerpt(word_diff(numbered(30), close)) == word_diff(numbered(30), close)
    # Punctuation stays with its word; long added text is cut too.
    old = "Intro. " + numbered(40) + ", as agreed."
    new = "Intro. " + numbered(40) + ", as agreed. " + numbered(300)
    shown = excerpt(word_diff(old, new), context=3)
    assert shown[0] == ("skipped", "40 words unchanged")
    assert shown[1] == ("same", " w39, as agreed.")
    assert [kind for kind, _text in shown[2:]] == ["added", "skipped", "added"]
    assert words_in(shown[2][1]) == 30
    assert shown[3] == ("skipped", "260 more words added")


def test_a_long_change_shows_a_few_words_and_the_whole_text_on_demand(cast):
    far = f"Far away {HOSTILE} at the start. "
    old = far + numbered(100) + f" near {HOSTILE} here " + numbered(100)
    new = old.replace(f"near {HOSTILE}", "near <script>alert(2)</script>")
    strategy = make_strategy(cast, vision=old)
    strategy.vision = new
    strategy.title = "Smart Ashdown"
    save_with_reason(strategy, user=cast.officer, reason="Wording")
    html = render_to_string(
        "governance/history.html",
        {"object": Record(), "entries": entries_for(strategy)[:1]},
        request=page_request(cast.officer),
    )
    assert "<script>" not in html
    [cut, whole] = re.findall(
        r'<dt class="govuk-summary-list__key">Vision</dt>(.*?)</dd>', html, re.S
    )[0].split("<details", 1)
    # A few words either side, marked as before, the rest cut.
    assert '<del class="app-diff__removed"><span class="govuk-visually-hidden">' in cut
    assert "near &lt;script&gt;alert(<del" in cut
    assert "removed: </span>1</del><ins" in cut
    assert "added: </span>2</ins>)&lt;/script&gt; here" in cut
    assert "</span> w94 w95 w96 w97 w98 w99 near &lt;script&gt;alert(<del" in cut
    assert "</ins>)&lt;/script&gt; here w0 w1 w2 w3 w4 w5 <span" in cut
    assert '<span aria-hidden="true">[…]</span>' in cut
    assert "(100 words unchanged)" in cut
    assert "(94 words unchanged)" in cut
    assert "Far away" not in cut and "w50" not in cut
    # The whole text with the same marks, in a GOV.UK details.
    assert "Show the whole text" in whole
    assert "Far away &lt;script&gt;alert(1)&lt;/script&gt; at the start." in whole
    assert "w50" in whole and "[…]" not in whole
    assert "added: </span>2</ins>)&lt;/script&gt; here" in whole
    # A short value reads "from X to Y".
    assert re.search(
        r"From “<span class=\"app-text\">Digital Ashdown</span>”\s+"
        r"to “<span class=\"app-text\">Smart Ashdown</span>”",
        html,
    )


def risks_posted(client, strategy, rows, **changes):
    from tests.strategy.test_strategy_pages import form_data

    url = reverse("strategy:risks_update", args=[strategy.pk])
    data = form_data(client.get(url), **changes)
    start = int(data["risks-TOTAL_FORMS"])
    for number, description in enumerate(rows, start=start):
        data |= {
            f"risks-{number}-description": description,
            f"risks-{number}-likelihood": "low",
            f"risks-{number}-impact": "high",
            f"risks-{number}-review_frequency": "quarterly",
        }
    data["risks-TOTAL_FORMS"] = str(start + len(rows))
    return client.post(url, data)


def test_five_risks_saved_in_one_go_are_one_entry_and_so_is_their_removal(cast, client):
    strategy = make_strategy(cast)
    sign_in(client, cast.officer)
    names = [f"Risk number {n} {HOSTILE}" for n in range(1, 6)]
    assert risks_posted(client, strategy, names).status_code == 302

    added, created = entries_for(strategy)
    assert (added.subject, added.action, added.reason) == (
        "5 risks",
        "created",
        "Risks changed",
    )
    assert [member.subject for member in added.members] == [
        f"Risk “{name[:40]}”" for name in names
    ]
    assert added.changes == []
    assert changes_by_label(added.members[0])["Impact"].new == "High"

    url = reverse("strategy:strategy_history", args=[strategy.pk])
    html = client.get(url).content.decode()
    assert "5 risks created" in html
    # Listed; and in "Show what each one says", its name and description.
    assert html.count("Risk number 1 &lt;script&gt;") == 3
    assert "Show what each one says" in html
    assert "<script>alert" not in html

    # Removing them all in one save is one entry too.
    removed = {f"risks-{n}-DELETE": "on" for n in range(5)}
    assert risks_posted(client, strategy, [], **removed).status_code == 302
    assert not strategy.risks.exists()
    deleted = entries_for(strategy)[0]
    assert (deleted.subject, deleted.action, len(deleted.members)) == (
        "5 risks",
        "deleted",
        5,
    )


def test_rows_created_apart_or_for_other_reasons_stay_separate_entries(cast):
    strategy = make_strategy(cast)
    for position, reason in enumerate(["Theme added", "Theme added", "Other"], 1):
        make_theme(strategy, cast.officer, position=position, title=f"T{position}")
        Theme.history.filter(title=f"T{position}").update(history_change_reason=reason)
    later = make_theme(strategy, cast.officer, position=4, title="T4")
    Theme.history.filter(id=later.pk).update(
        history_date=timezone.now() + timezone.timedelta(minutes=1)
    )
    subjects = [entry.subject for entry in entries_for(strategy)]
    assert subjects == ["Theme “T4”", "Theme “T3”", "2 themes", "Digital Ashdown"]


def test_rows_saved_together_with_no_change_shown_are_one_entry(cast):
    strategy = make_strategy(cast)
    risks = [
        save_with_reason(
            Risk(strategy=strategy, description=f"R{n}"),
            user=cast.officer,
            reason="Set up",
        )
        for n in range(3)
    ]
    for risk in risks:
        risk.position += 1  # not a field the history shows
        save_with_reason(risk, user=cast.clerk, reason="Risks reordered")
    risks[0].impact = "high"
    save_with_reason(risks[0], user=cast.clerk, reason="Risks reordered")
    changed, reordered, added, _created = entries_for(strategy)
    assert (changed.subject, changed.members) == ("Risk “R0”", [])
    assert (reordered.subject, reordered.action) == ("3 risks", "changed")
    assert [m.subject for m in reordered.members] == [
        "Risk “R0”",
        "Risk “R1”",
        "Risk “R2”",
    ]
    assert (added.subject, added.action) == ("3 risks", "created")


def test_the_history_page_costs_the_same_queries_with_more_grouped_rows(cast, client):
    strategy = make_strategy(cast)
    sign_in(client, cast.officer)
    url = reverse("strategy:strategy_history", args=[strategy.pk])

    saved = itertools.count()

    def add_risks(saves):
        for _ in range(saves):
            number = next(saved)
            for row in range(3):
                risk = Risk(strategy=strategy, description=f"R{number}.{row}")
                save_with_reason(risk, user=cast.officer, reason=f"Save {number}")

    add_risks(2)
    client.get(url)
    with CaptureQueriesContext(connection) as fewer:
        html = client.get(url).content.decode()
    assert html.count("3 risks created") == 2
    add_risks(4)
    client.get(url)
    with CaptureQueriesContext(connection) as more:
        html = client.get(url).content.decode()
    assert html.count("3 risks created") == 6
    assert len(fewer) == len(more)


def test_diffs_not_kept_are_worked_out_within_a_budget_and_the_rest_queued(
    cast, client, settings
):
    """A history recorded before diffs were kept: the page works out no
    more than its budget allows (none, here), says which texts are still
    being marked and shows them as changed; the queued task works them out
    (the test backend runs it at once) and the next view marks them all."""
    strategy = make_strategy(cast, vision=long_prose(9, 4_000))
    for number in range(3):
        strategy.vision = strategy.vision.replace(" the ", f" THE{number} ", 1)
        save_with_reason(strategy, user=cast.officer, reason=f"Edit {number}")
    strategy.vision += " A <script>closing</script> sentence."
    save_with_reason(strategy, user=cast.officer, reason="Edit 3")
    assert not StoredDiff.objects.exists()

    settings.HISTORY_DIFF_BUDGET_SECONDS = 0
    sign_in(client, cast.officer)
    url = reverse("strategy:strategy_history", args=[strategy.pk])
    html = client.get(url).content.decode()
    assert html.count("The changes in this text are still being marked") == 4
    assert '<ins class="app-diff__added">' not in html
    assert "A &lt;script&gt;closing&lt;/script&gt; sentence." in html
    assert "<script>closing" not in html
    # The task was queued with the rows' ids, and ran: all four are kept.
    assert StoredDiff.objects.count() == 4

    html = client.get(url).content.decode()
    assert "still being marked" not in html
    assert html.count('<ins class="app-diff__added">') >= 4


def test_a_budget_works_out_diffs_until_it_is_spent(db, monkeypatch):
    pairs = [(long_prose(10 + n, 3_000), long_prose(20 + n, 3_000)) for n in range(3)]
    assert word_diffs(pairs, budget=0) == [None, None, None]
    # A clock moving a second at each reading: the budget is read as spent
    # after the first diff.
    ticks = itertools.count()
    monkeypatch.setattr(history.time, "monotonic", lambda: next(ticks))
    first, *rest = word_diffs(pairs, budget=1.5)
    assert first == word_diff(*pairs[0])
    assert rest == [None, None]
    monkeypatch.undo()
    assert word_diffs(pairs, budget=None) == [word_diff(*pair) for pair in pairs]
