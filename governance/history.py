"""Writing and reading the history every governed record keeps.

django-simple-history records each `save()` and `delete()`; this module
makes every write say who made it and why (`save_with_reason`), and turns
the rows back into something people read:

- `history_entries(sources)`: who changed what, when and why, newest first,
  diffing each historical row with the one before it (in Python, so a page
  costs a fixed number of queries however long the history is);
- `compare_snapshots(approved, current)`: a record's content as approved
  beside its content now (both `record.snapshot()` dicts);
- `word_diff(old, new)`: the word-level marking both use for long text,
  drawn by `templates/components/word_diff.html`.
"""

import bisect
import datetime
import difflib
import functools
import hashlib
import itertools
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, models, transaction
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .diff_store import StoredDiff, diff_key, pack, unpack

logger = logging.getLogger(__name__)


def save_with_reason(obj, *, user, reason):
    """Save `obj`, recording `user` and `reason` on the history row.

    The two are taken off the object afterwards, so a later save cannot
    silently reuse them.
    """
    obj._history_user = user
    obj._change_reason = reason
    try:
        obj.save()
    finally:
        del obj._history_user
        del obj._change_reason
    return obj


def set_with_reason(obj, field, values, *, user, reason):
    """Set the many-to-many `field` of `obj` to `values`, recording `user`
    and `reason` on the history row the change writes."""
    obj._history_user = user
    obj._change_reason = reason
    try:
        getattr(obj, field).set(values)
    finally:
        del obj._history_user
        del obj._change_reason


def delete_with_reason(obj, *, user, reason):
    """Delete `obj`, recording `user` and `reason` on the history row."""
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


def save_formset_with_reason(formset, parent, *, user, reason):
    """Save a valid inline formset's rows (and deletions) through the history
    path, each row attached to `parent`. Unchanged rows are not rewritten."""
    for form in formset.deleted_forms:
        if form.instance.pk:
            delete_with_reason(form.instance, user=user, reason=reason)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        if not form.cleaned_data:
            continue
        row = form.save(commit=False)
        setattr(row, formset.fk.name, parent)
        save_with_reason(row, user=user, reason=reason)


# --- word diff ----------------------------------------------------------------

SAME, REMOVED, ADDED = "same", "removed", "added"

#: Runs of whitespace, runs of word characters, or one other character: every
#: character of the text falls in exactly one token, so tokens join back into it.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

#: Text longer than this (or with a line break) is shown as a word diff.
LONG_TEXT = 60


def _tokens(text):
    return _TOKEN.findall(text)


#: Below this many token pairs (tokens of one side times the other) a stretch
#: of text is compared with difflib directly. Above it, runs of tokens found
#: exactly once on each side are matched first and the stretches between them
#: compared in turn (patience diffing): single words, else runs of `_RUNS`
#: tokens (a text of few distinct words still has unique phrases). So long
#: texts cost near-linear time, not quadratic (difflib alone took 45 s on two
#: 50,000-character texts).
_DIRECT = 10_000
_RUNS = (1, 8, 32)

#: How many times a stretch is split at unique runs before the rest of a
#: long stretch is given up as replaced.
_MAX_DEPTH = 24


def _unique_anchors(a, alo, ahi, b, blo, bhi, size):
    """Pairs `(i, j)` where the run of `size` tokens at `a[i]` equals the one
    at `b[j]` and occurs exactly once in `a[alo:ahi]` and once in
    `b[blo:bhi]`: the longest chain of them in the same order on both sides
    (patience sorting), in increasing order."""
    if size == 1:
        runs_a, runs_b = a[alo:ahi], b[blo:bhi]
    else:
        runs_a = [tuple(a[i : i + size]) for i in range(alo, ahi - size + 1)]
        runs_b = [tuple(b[j : j + size]) for j in range(blo, bhi - size + 1)]
    count_a = Counter(runs_a)
    count_b = Counter(runs_b)
    where_b = {
        run: blo + j
        for j, run in enumerate(runs_b)
        if count_b[run] == 1 and count_a.get(run) == 1
    }
    candidates = [
        (alo + i, where_b[run]) for i, run in enumerate(runs_a) if run in where_b
    ]
    if not candidates:
        return []
    # Longest increasing subsequence of j (i already increases).
    tops = []  # tops[k]: index in candidates ending the best chain of length k+1
    tops_j = []
    back = [None] * len(candidates)
    for index, (_i, j) in enumerate(candidates):
        k = bisect.bisect_left(tops_j, j)
        back[index] = tops[k - 1] if k else None
        if k == len(tops):
            tops.append(index)
            tops_j.append(j)
        else:
            tops[k] = index
            tops_j[k] = j
    chain = []
    index = tops[-1]
    while index is not None:
        chain.append(candidates[index])
        index = back[index]
    chain.reverse()
    return chain


def _match(a, alo, ahi, b, blo, bhi, out, depth=0):
    """Append to `out` the matched pairs `(i, j)` of `a[alo:ahi]` and
    `b[blo:bhi]`, in increasing order."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        out.append((alo, blo))
        alo += 1
        blo += 1
    tail = []
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi -= 1
        bhi -= 1
        tail.append((ahi, bhi))
    if alo < ahi and blo < bhi:
        if (ahi - alo) * (bhi - blo) <= _DIRECT:
            matcher = difflib.SequenceMatcher(
                None, a[alo:ahi], b[blo:bhi], autojunk=False
            )
            for i, j, size in matcher.get_matching_blocks():
                out.extend((alo + i + k, blo + j + k) for k in range(size))
        elif depth < _MAX_DEPTH:
            for size in _RUNS:
                anchors = _unique_anchors(a, alo, ahi, b, blo, bhi, size)
                if anchors:
                    break
            i0, j0 = alo, blo
            for i, j in anchors:
                if i < i0 or j < j0:
                    continue  # overlaps the run matched before it
                _match(a, i0, i, b, j0, j, out, depth + 1)
                out.extend((i + k, j + k) for k in range(size))
                i0, j0 = i + size, j + size
            if (i0, j0) != (alo, blo):
                _match(a, i0, ahi, b, j0, bhi, out, depth + 1)
        # Else a long stretch with no run unique to it: shown as replaced.
    out.extend(reversed(tail))


def _segments(tokens):
    """Where the sentences and lines of `tokens` start, and its end: a new
    one after a line break, or after the space following . ! or ?"""
    starts = [0]
    for index in range(1, len(tokens)):
        token = tokens[index]
        if token.isspace() and ("\n" in token or tokens[index - 1] in _SENTENCE_ENDS):
            starts.append(index + 1)
    if starts[-1] != len(tokens):
        starts.append(len(tokens))
    return starts


_SENTENCE_ENDS = frozenset(".!?")


@functools.lru_cache(maxsize=8)
def _prepared(text):
    """The tokens of `text`, where its sentences start, and their texts.

    Kept for a few texts: on a history page each text is the newer side of
    one diff and the older side of the next. Callers do not change them.
    """
    tokens = tuple(_tokens(text))
    starts = _segments(tokens)
    return tokens, starts, ["".join(tokens[x:y]) for x, y in itertools.pairwise(starts)]


def _matched_pairs(old, new):
    """The matched pairs `(i, j)` of the tokens of `old` and `new`, in order.

    Sentences and lines are matched first, whole (few and mostly unique, so
    cheaply); then the words of the stretches between matched sentences.
    """
    a, starts_a, sentences_a = _prepared(old)
    b, starts_b, sentences_b = _prepared(new)
    same = []
    _match(sentences_a, 0, len(sentences_a), sentences_b, 0, len(sentences_b), same)
    pairs = []
    i0 = j0 = 0
    for p, q in same:
        _match(a, i0, starts_a[p], b, j0, starts_b[q], pairs)
        i0, j0 = starts_a[p], starts_b[q]
        length = starts_a[p + 1] - i0
        pairs.extend((i0 + k, j0 + k) for k in range(length))
        i0, j0 = i0 + length, j0 + length
    _match(a, i0, len(a), b, j0, len(b), pairs)
    _spaces_last(a, b, pairs)
    return pairs


def _spaces_last(a, b, pairs):
    """Where words were only added (or only removed) with a space before
    them that could as well go after them, put it after: "help| in person|
    for" reads "help |in person |for", as difflib alone would have it."""
    before_i = before_j = -1
    for index, (i, j) in enumerate(pairs):
        if i == before_i + 1 and j > before_j + 1:  # b[before_j + 1 : j] added
            first = before_j + 1
            if b[first] == b[j] and b[j].isspace():
                j = first
        elif j == before_j + 1 and i > before_i + 1:  # a[before_i + 1 : i] removed
            first = before_i + 1
            if a[first] == a[i] and a[i].isspace():
                i = first
        pairs[index] = (i, j)
        before_i, before_j = i, j


def _opcodes(old, new):
    """The tokens of `old` and `new`, and `SequenceMatcher.get_opcodes()`
    for them, found by `_matched_pairs`."""
    a, _starts, _sentences = _prepared(old)
    b, _starts, _sentences = _prepared(new)
    pairs = _matched_pairs(old, new)
    opcodes = []
    i = j = 0
    index = 0
    while index <= len(pairs):
        if index < len(pairs):
            start_i, start_j = pairs[index]
        else:
            start_i, start_j = len(a), len(b)
        if i < start_i and j < start_j:
            opcodes.append(("replace", i, start_i, j, start_j))
        elif i < start_i:
            opcodes.append(("delete", i, start_i, j, j))
        elif j < start_j:
            opcodes.append(("insert", i, i, j, start_j))
        if index == len(pairs):
            break
        size = 1
        while (
            index + size < len(pairs)
            and pairs[index + size][0] == start_i + size
            and pairs[index + size][1] == start_j + size
        ):
            size += 1
        opcodes.append(("equal", start_i, start_i + size, start_j, start_j + size))
        i, j = start_i + size, start_j + size
        index += size
    return a, b, opcodes


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The word-level difference between `old` and `new`.

    A list of `(kind, text)` with kind "same", "removed" or "added". Joining
    the "same" and "removed" texts gives `old` back exactly; joining "same"
    and "added" gives `new`. A replacement is "removed" then "added"; spaces
    and punctuation left between two replacements are folded into them (so
    "a b c" → "x y z" reads as one removal and one addition, not five pieces),
    and neighbouring pieces of the same kind are merged.
    """
    old, new = old or "", new or ""
    a, b, opcodes = _opcodes(old, new)
    pieces = []
    removed, added = [], []

    def flush():
        if removed:
            pieces.append((REMOVED, "".join(removed)))
        if added:
            pieces.append((ADDED, "".join(added)))
        removed.clear()
        added.clear()

    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            text = "".join(a[i1:i2])
            between_replacements = (
                removed
                and added
                and index + 1 < len(opcodes)
                and not re.search(r"\w", text)
            )
            if between_replacements:
                removed.append(text)
                added.append(text)
            else:
                flush()
                pieces.append((SAME, text))
        else:
            removed.extend(a[i1:i2])
            added.extend(b[j1:j2])
    flush()

    merged = []
    for kind, text in pieces:
        if not text:
            continue
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


#: A history page shows this many words of unchanged text either side of
#: each change in a long text; the rest of an unchanged stretch is cut.
CONTEXT_WORDS = 8
#: An unchanged stretch is cut only if it has this many words more than it
#: would keep (cutting two words out would save nothing).
_CUT_AT_LEAST = 4
#: Added or removed text of more words than this is cut too, keeping its
#: first `LONG_PIECE_HEAD` and last `LONG_PIECE_TAIL` words.
LONG_PIECE_WORDS = 60
LONG_PIECE_HEAD = 30
LONG_PIECE_TAIL = 10
#: A new record's long text is shown by its first this many words.
LEAD_WORDS = 40
SKIPPED = "skipped"

#: A word, for cutting: a run of anything but spaces (so "end," and "(see"
#: are kept whole with their punctuation).
_WORD = re.compile(r"\S+")


def _cut(text, head_words, tail_words):
    """`text` cut to its first `head_words` and last `tail_words` words:
    `(head, number of words cut, tail)`, or None when too little would be
    cut. The head ends with one space, the tail starts with one. Costs one
    `str.split` of the text (a word count), not a match per word: the texts
    are long and a page cuts many."""
    total = len(text.split())
    if total < head_words + tail_words + _CUT_AT_LEAST:
        return None
    head = ""
    if head_words:
        words = _WORD.finditer(text)
        for _ in range(head_words):
            end = next(words).end()
        head = text[:end] + " "
    tail = ""
    if tail_words:
        window = tail_words * 16
        while True:
            at = max(0, len(text) - window)
            starts = [m.start() for m in _WORD.finditer(text, at)]
            # One word more than needed: the first may be cut by the window.
            if len(starts) > tail_words or window >= len(text):
                break
            window *= 4
        tail = " " + text[starts[-tail_words] :]
    return head, total - head_words - tail_words, tail


def _skipped(kind, count):
    """What a screen reader says for a cut (seen as "[…]")."""
    return (SKIPPED, _skipped_message(translation.get_language(), kind, count))


@functools.lru_cache(maxsize=4096)
def _skipped_message(language, kind, count):
    # Kept per language and count: a long history page says hundreds of
    # these, the same ones at every view, and a plural lookup is not free.
    if kind == ADDED:
        message = ngettext(
            "%(count)s more word added", "%(count)s more words added", count
        )
    elif kind == REMOVED:
        message = ngettext(
            "%(count)s more word removed", "%(count)s more words removed", count
        )
    elif kind == "more":
        message = ngettext("%(count)s more word", "%(count)s more words", count)
    else:
        message = ngettext(
            "%(count)s word unchanged", "%(count)s words unchanged", count
        )
    return message % {"count": f"{count:,}"}


def excerpt(diff, context=CONTEXT_WORDS):
    """`diff` with each long unchanged stretch cut to about `context` words
    after the change before it and before the change after it, and long
    added or removed text to its first and last words. What is cut becomes
    a ("skipped", "N words unchanged") piece, shown as "[…]"."""
    shown = []
    last = len(diff) - 1
    for index, (kind, text) in enumerate(diff):
        if kind == SAME:
            cut = _cut(
                text, context if index > 0 else 0, context if index < last else 0
            )
        elif len(text) > LONG_PIECE_WORDS * 3:
            cut = _cut(text, LONG_PIECE_HEAD, LONG_PIECE_TAIL)
            if cut is not None and cut[1] + LONG_PIECE_HEAD + LONG_PIECE_TAIL <= (
                LONG_PIECE_WORDS
            ):
                cut = None
        else:
            cut = None
        if cut is None:
            shown.append((kind, text))
            continue
        head, count, tail = cut
        if head:
            shown.append((kind, head))
        shown.append(_skipped(kind, count))
        if tail:
            shown.append((kind, tail))
    return shown


def lead(text, words=LEAD_WORDS):
    """A long text as its first `words` words: [("same", head), ("skipped",
    "N more words")], or the whole text as one piece if it is short."""
    cut = _cut(text, words, 0)
    if cut is None:
        return [(SAME, text)]
    head, count, _tail = cut
    return [(SAME, head), _skipped("more", count)]


def is_long_text(*texts):
    """Whether any of `texts` is long enough to be shown as a word diff."""
    return any(len(text) > LONG_TEXT or "\n" in text for text in texts)


#: Diffs of texts this long together are kept (`StoredDiff`) once worked out;
#: shorter ones, and a text against nothing, take well under a millisecond.
KEEP_DIFF_FROM = 2_000


def word_diffs(
    pairs: list[tuple[str, str]], budget: float | None = None
) -> list[list[tuple[str, str]] | None]:
    """`word_diff(old, new)` of each pair, in order.

    Diffs of long texts are read from those already kept (one query for all
    the pairs) and the rest worked out and kept (one more), so each is
    worked out once however often a page shows it. With `budget` (seconds),
    diffs not kept are worked out only until it is spent: the rest are
    None (`history_entries` has them worked out in the background).
    """
    started = time.monotonic()
    results = [None] * len(pairs)
    wanted = {}
    for index, (old, new) in enumerate(pairs):
        if not old or not new or len(old) + len(new) < KEEP_DIFF_FROM:
            results[index] = word_diff(old, new)
        else:
            wanted.setdefault(diff_key(old, new), []).append(index)
    if wanted:
        kept = dict(
            StoredDiff.objects.filter(key__in=wanted).values_list("key", "pieces")
        )
        new_rows = []
        for key, indexes in wanted.items():
            old, new = pairs[indexes[0]]
            diff = unpack(kept[key], old, new) if key in kept else None
            if diff is None:
                if budget is not None and time.monotonic() - started >= budget:
                    continue
                diff = word_diff(old, new)
                new_rows.append(StoredDiff(key=key, pieces=pack(diff)))
            for index in indexes:
                results[index] = diff
        keep_diffs(new_rows)
    return results


def keep_diffs(rows):
    """Keep `StoredDiff` rows; one kept meanwhile by another request wins. A
    failure to keep them is logged, not raised: they are only a saving."""
    if not rows:
        return
    try:
        with transaction.atomic():
            StoredDiff.objects.bulk_create(rows, ignore_conflicts=True)
    except DatabaseError:
        logger.warning("Could not keep %d word diffs", len(rows), exc_info=True)


def keep_diff_of_recorded_change(sender, history_instance, **kwargs):
    """When a change to a long text is recorded, work out its word diff once
    the save has committed, so the history page finds it already kept.

    Connected to django-simple-history's `post_create_historical_record`
    for every model. Costs nothing unless a text field of the record is
    long; then one query for the row before, the diff, and one to keep it.
    A failure here never undoes the save: the page works the diff out again.
    """
    if history_instance.history_type != "~":
        return
    long_texts = {
        f.attname: value
        for f in history_instance._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.name.startswith("history_")
        and isinstance(value := getattr(history_instance, f.attname), str)
        and len(value) * 2 >= KEEP_DIFF_FROM
    }
    if not long_texts:
        return

    def work_out():
        previous = history_instance.prev_record
        if previous is None:
            return
        pairs = []
        for name, new in long_texts.items():
            old = getattr(previous, name) or ""
            if old != new and len(old) + len(new) >= KEEP_DIFF_FROM:
                pairs.append((old, new))
        word_diffs(pairs)

    transaction.on_commit(work_out, robust=True)


# --- history entries ----------------------------------------------------------

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    """One field's change: its label, its text before and after, and the word
    diff when either text is long (else None: show before and after)."""

    label: str
    old: str
    new: str
    diff: list[tuple[str, str]] | None = None
    #: Where the texts were read: (historical model's label, the older
    #: row's history_id, the newer row's, the field's attname); None for a
    #: new record's (compared with nothing).
    source: tuple | None = field(default=None, compare=False, repr=False)
    #: A long text's diff not yet worked out (`history_entries`' budget):
    #: the page says so and shows the new text.
    pending: bool = False

    @functools.cached_property
    def excerpt(self):
        """The diff with long unchanged stretches cut to a few words either
        side of each change (`excerpt`)."""
        return excerpt(self.diff) if self.diff else self.diff

    @functools.cached_property
    def is_cut(self):
        """Whether `excerpt` leaves anything out (then the page offers the
        whole diff as well)."""
        return any(kind == SKIPPED for kind, _text in self.excerpt or [])

    @functools.cached_property
    def lead(self):
        """The new text by its first words (`lead`), for a new record."""
        return lead(self.new)

    @property
    def lead_is_cut(self):
        return len(self.lead) > 1


@dataclass
class Entry:
    """One write to a record or one of its parts, for a history page; or
    several rows of one kind created (or deleted) together by one save
    (`members`, each an entry of its own)."""

    at: datetime.datetime
    user: Any
    reason: str
    action: str  # "created", "changed" or "deleted"
    subject: Any
    changes: list[Change] = field(default_factory=list)
    #: What the row is called in a list of rows created together.
    name: Any = None
    members: list["Entry"] = field(default_factory=list)

    @property
    def action_label(self):
        return {
            "created": _("created"),
            "changed": _("changed"),
            "deleted": _("deleted"),
        }[self.action]

    @property
    def listed(self):
        """The members named in the entry itself; the rest are behind
        "Show all"."""
        return self.members[:GROUP_LISTED]

    @property
    def unlisted(self):
        return self.members[GROUP_LISTED:]

    @property
    def members_with_changes(self):
        return [member for member in self.members if member.changes]


#: Rows of one kind created (or deleted) by the same person for the same
#: reason within this time of each other are one save (a list of risks
#: saved at once) and shown as one entry.
GROUP_WITHIN = datetime.timedelta(seconds=5)
#: A grouped entry names this many of its rows; the rest are one click away.
GROUP_LISTED = 5


@dataclass
class HistorySource:
    """Historical rows of one model, the fields to compare, and how to name
    the object a row belongs to.

    `rows` is usually `Model.history.filter(...).select_related("history_user")`
    (in any order); `subject(row)` must not query (use the row's own fields).
    """

    rows: Iterable[Any]
    fields: list[str]
    subject: Callable[[Any], Any]
    #: How a row is named in a list of rows saved together (default: subject).
    name: Callable[[Any], Any] | None = None


def _display(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


class _FieldReader:
    """Reads the compared fields of historical rows of one model.

    Values are compared raw (a foreign key by its id, so nothing is fetched)
    and shown as people read them: the label of a choice, the related object
    (all fetched in one query per foreign key, before any row is read).
    """

    def __init__(self, model, names, rows):
        self.fields = [model._meta.get_field(name) for name in names]
        self.related = {}
        for f in self.fields:
            if f.is_relation and f.many_to_one:
                ids = {getattr(row, f.attname) for row in rows} - {None}
                # Their own required foreign keys too: __str__ often names them.
                joins = [
                    g.name
                    for g in f.related_model._meta.concrete_fields
                    if g.many_to_one and not g.null
                ]
                manager = f.related_model._base_manager.select_related(*joins)
                self.related[f.name] = manager.in_bulk(ids) if ids else {}

    def raw(self, row, f):
        return getattr(row, f.attname)

    def shown(self, row, f):
        value = self.raw(row, f)
        if value is None or value == "":
            return ""
        if f.name in self.related:
            obj = self.related[f.name].get(value)
            return (
                str(obj) if obj is not None else _("(deleted: %(id)s)") % {"id": value}
            )
        if f.choices:
            return str(getattr(row, f"get_{f.name}_display")())
        return _display(value)

    def label(self, f):
        return capfirst(str(f.verbose_name))

    def change(self, f, old, new, rows):
        # The diff of a long text is filled in for all entries at once.
        previous, row = rows
        source = (
            None
            if previous is None
            else (row._meta.label, previous.history_id, row.history_id, f.attname)
        )
        return Change(label=self.label(f), old=old, new=new, source=source)


def _object_id(row):
    return getattr(row, row.instance_type._meta.pk.attname)


def _entries_from(source):
    rows = list(source.rows)
    if not rows:
        return []
    rows.sort(key=lambda row: (_object_id(row), row.history_date, row.history_id))
    reader = _FieldReader(rows[0].instance_type, source.fields, rows)
    found = []
    previous = None
    for row in rows:
        if previous is not None and _object_id(previous) != _object_id(row):
            previous = None
        action = ACTIONS[row.history_type]
        reason = row.history_change_reason or ""
        changes = []
        if action != "deleted":
            for f in reader.fields:
                if previous is not None and reader.raw(previous, f) == reader.raw(
                    row, f
                ):
                    continue
                old = reader.shown(previous, f) if previous is not None else ""
                new = reader.shown(row, f)
                if old != new:
                    changes.append(reader.change(f, old, new, (previous, row)))
        # A save that changed none of `fields` (a version bump, a status
        # change) is kept only if it says why: the reason is the news.
        if action == "changed" and not changes and not reason:
            previous = row
            continue
        entry = Entry(
            at=row.history_date,
            user=row.history_user,
            reason=reason,
            action=action,
            subject=source.subject(row),
            changes=changes,
            name=(source.name or source.subject)(row),
        )
        found.append(((row.history_date, row.history_id), entry))
        previous = row
    return _grouped(found, rows[0].instance_type._meta)


def _grouped(found, meta):
    """`found` (of one model) with the rows created, or deleted, or saved
    with no change shown, together (same person, same reason, each within
    `GROUP_WITHIN` of the one before) as one entry listing them."""
    found.sort(key=lambda pair: pair[0])
    result = []
    open_groups = {}  # (action, user, reason): [key, entry] of the group
    for key, entry in found:
        # A change is shown by itself, unless it changed nothing shown (a
        # list saved again in a new order: only the reason is news).
        if entry.action == "changed" and entry.changes:
            result.append([key, entry])
            continue
        user_id = entry.user.pk if entry.user is not None else None
        group_key = (entry.action, user_id, entry.reason)
        group = open_groups.get(group_key)
        if group is not None and entry.at - group[1].members[-1].at <= GROUP_WITHIN:
            group[0] = key
            group[1].members.append(entry)
            continue
        group = [key, _group_of(entry)]
        open_groups[group_key] = group
        result.append(group)
    grouped = []
    for key, entry in result:
        if len(entry.members) == 1:
            entry = entry.members[0]
        elif entry.members:
            entry.at = entry.members[-1].at
            entry.subject = _("%(count)s %(things)s") % {
                "count": len(entry.members),
                "things": meta.verbose_name_plural,
            }
        grouped.append((tuple(key), entry))
    return grouped


def _group_of(entry):
    return Entry(
        at=entry.at,
        user=entry.user,
        reason=entry.reason,
        action=entry.action,
        subject=entry.subject,
        members=[entry],
    )


def history_entries(sources: list[HistorySource]) -> list[Entry]:
    """What happened to a record and its parts, newest first.

    Each historical row is compared with the previous row of the same object
    (rows are grouped and ordered here, in Python): a creation lists every
    field with a value, a change lists the fields in `source.fields` whose
    value differs, a deletion lists nothing. Rows of one source created (or
    deleted) together by one save are one entry (`Entry.members`,
    `GROUP_WITHIN`). Costs one query per source (plus
    one per foreign key in `fields`), however many rows there are, provided
    the rows come with `select_related("history_user")`; where a long text
    changed, one more to read the kept word diffs and one to keep any new
    ones (`word_diffs`).

    A diff is worked out when the change is recorded
    (`keep_diff_of_recorded_change`), so a page finds them kept. Those it
    does not find (a history recorded before diffs were kept) it works out
    for `HISTORY_DIFF_BUDGET_SECONDS` at most; the rest are marked
    `pending` (the page shows the new text and says the changes are being
    marked) and queued for the worker (`tasks.keep_word_diffs`). Each view
    works out a budget's worth more, so they come with or without it.
    """
    found = []
    for source in sources:
        found.extend(_entries_from(source))
    found.sort(key=lambda pair: pair[0], reverse=True)
    entries = [entry for _key, entry in found]
    long_changes = [
        change
        for entry in entries
        for part in entry.members or [entry]
        for change in part.changes
        if is_long_text(change.old, change.new)
    ]
    diffs = word_diffs(
        [(change.old, change.new) for change in long_changes],
        budget=settings.HISTORY_DIFF_BUDGET_SECONDS,
    )
    pending = []
    for change, diff in zip(long_changes, diffs, strict=True):
        change.diff = diff
        if diff is None:
            change.pending = True
            if change.source is not None:
                pending.append(change.source)
    if pending:
        _queue_diffs(pending)
    return entries


#: How long a queued set of diffs is not queued again (seconds): the worker
#: takes it in that time, or the views work it out meanwhile.
QUEUED_SECONDS = 60


def _queue_diffs(sources):
    from . import tasks

    key = "diffs-queued:" + hashlib.sha256(repr(sorted(sources)).encode()).hexdigest()
    if cache.add(key, True, QUEUED_SECONDS):
        tasks.keep_word_diffs.enqueue([list(source) for source in sources])


def keep_diffs_of(sources):
    """Work out and keep the word diffs of the changes `sources` name (as
    `Change.source`): the worker's part of `history_entries`."""
    pairs = []
    for label, older_id, newer_id, attname in sources:
        rows = apps.get_model(label).objects.in_bulk([older_id, newer_id])
        if older_id in rows and newer_id in rows:
            old = getattr(rows[older_id], attname)
            new = getattr(rows[newer_id], attname)
            pairs.append(
                ("" if old is None else str(old), "" if new is None else str(new))
            )
    word_diffs(pairs)


# --- as approved and now ------------------------------------------------------


@dataclass
class Row:
    """One line of a comparison: the text as approved and now.

    `diff` is the word diff when the texts differ, else None.
    """

    label: str
    approved: str
    current: str
    diff: list[tuple[str, str]] | None
    changed: bool

    @property
    def long(self):
        return is_long_text(self.approved, self.current)

    @property
    def approved_marked(self):
        """The approved text with what has since been removed marked."""
        return [piece for piece in self.diff or [] if piece[0] != ADDED]

    @property
    def current_marked(self):
        """The current text with what has since been added marked."""
        return [piece for piece in self.diff or [] if piece[0] != REMOVED]


@dataclass
class Section:
    """A titled part of a comparison (the fields, the themes, the risks)."""

    title: str
    rows: list[Row]

    @property
    def changed(self):
        """How many rows have changed."""
        return sum(1 for row in self.rows if row.changed)


LIST_TITLES = {
    "themes": gettext_lazy("Themes and objectives"),
    "risks": gettext_lazy("Risks"),
}

#: Keys of a list item shown without a label (the item's name and its parts).
_PLAIN_KEYS = ("title", "name", "description", "text")


def _row(label, approved, current):
    # The diff of a changed row is filled in for all rows at once.
    return Row(
        label=label,
        approved=approved,
        current=current,
        diff=None,
        changed=approved != current,
    )


def _item_text(item):
    """A list item (a theme, a risk) as one text, one part per line."""
    if not isinstance(item, dict):
        return "" if item is None else str(item)
    lines = []
    # A stored snapshot is JSONB, which does not keep key order: put the
    # plain keys first, in their own order, then the rest alphabetically, so
    # the same item always reads the same.
    plain = [key for key in _PLAIN_KEYS if key in item]
    ordered = plain + sorted(key for key in item if key not in plain)
    for key in ordered:
        value = item[key]
        if isinstance(value, list | tuple):
            lines.extend(str(v) for v in value if v not in (None, ""))
        elif value in (None, ""):
            continue
        elif key in _PLAIN_KEYS:
            lines.append(str(value))
        else:
            lines.append(f"{capfirst(key.replace('_', ' '))}: {value}")
    return "\n".join(lines)


def _list_title(key):
    if key in LIST_TITLES:
        return str(LIST_TITLES[key])
    return key.replace("_", " ").capitalize()


def _item_label(key, position):
    singular = key[:-1] if key.endswith("s") else key
    return f"{singular.replace('_', ' ').capitalize()} {position}"


def _keys(*dicts):
    keys = []
    for d in dicts:
        keys.extend(key for key in d if key not in keys)
    return keys


def compare_snapshots(approved: dict, current: dict) -> list[Section]:
    """A record's content as approved beside its content now.

    Both are `record.snapshot()` dicts: a "fields" dict of
    `{name: {"label", "value"}}` and any number of lists (themes, risks…).
    Returns one `Section` for the fields, then one per list, whose items are
    matched by position: each item is one text (its parts on separate lines)
    and an item added or removed since approval is compared with "".
    """
    approved_fields = approved.get("fields", {})
    current_fields = current.get("fields", {})
    rows = []
    for name in _keys(current_fields, approved_fields):
        was = approved_fields.get(name, {})
        now = current_fields.get(name, {})
        label = now.get("label") or was.get("label") or name
        rows.append(
            _row(capfirst(label), was.get("value") or "", now.get("value") or "")
        )
    sections = [Section(title=_("Details"), rows=rows)]

    for key in _keys(current, approved):
        if key == "fields":
            continue
        was_items = approved.get(key) or []
        now_items = current.get(key) or []
        rows = [
            _row(
                _item_label(key, index + 1),
                _item_text(was_items[index]) if index < len(was_items) else "",
                _item_text(now_items[index]) if index < len(now_items) else "",
            )
            for index in range(max(len(was_items), len(now_items)))
        ]
        sections.append(Section(title=_list_title(key), rows=rows))
    changed = [row for section in sections for row in section.rows if row.changed]
    diffs = word_diffs([(row.approved, row.current) for row in changed])
    for row, diff in zip(changed, diffs, strict=True):
        row.diff = diff
    return sections
