"""Word diffs of long texts, worked out once and kept.

A history page shows, for every edit of a long text, the words that
changed; working that out for a 50,000-character text takes tens of
milliseconds, so a page with fifty such edits would redo seconds of work on
every view. `StoredDiff` keeps each diff the first time it is needed (and
when the change is recorded: `governance.history.store_diffs_of`), under a
key made from the two texts themselves. So a kept diff is right for those
texts whatever record, field or page asks for it — history rows, the text
as approved beside the text now, two versions side by side — and cannot go
stale: other texts have another key.

A kept diff holds only the kind and length of each piece; the texts come
from the rows the page has already read. Rows are never changed, only
added; `DIFF_METHOD` is part of the key, so changing how diffs are made
simply stops the old rows being used (they may be deleted at any time).
"""

import hashlib

from django.db import models

#: Part of every key: bump it when `governance.history.word_diff` changes
#: what it returns, so diffs kept by the old code are no longer used.
DIFF_METHOD = "word-diff-1"

#: Pieces are stored as [kind, length], kind as one letter.
_CODES = {"same": "s", "removed": "r", "added": "a"}
_KINDS = {code: kind for kind, code in _CODES.items()}


def diff_key(old: str, new: str) -> str:
    """The key of the diff of `old` to `new`: a SHA-256 of both texts."""
    digest = hashlib.sha256(DIFF_METHOD.encode())
    for text in (old, new):
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def pack(diff):
    """A diff (`[(kind, text), ...]`) as the lengths of its pieces."""
    return [[_CODES[kind], len(text)] for kind, text in diff]


def unpack(pieces, old: str, new: str):
    """The diff of `old` to `new` from its stored lengths, or None if they do
    not fit the two texts (then it is worked out again)."""
    diff = []
    at_old = at_new = 0
    try:
        for code, length in pieces:
            kind = _KINDS[code]
            if kind == "added":
                text = new[at_new : at_new + length]
                at_new += length
            else:
                text = old[at_old : at_old + length]
                at_old += length
                if kind == "same":
                    if new[at_new : at_new + length] != text:
                        return None
                    at_new += length
            if len(text) != length:
                return None
            diff.append((kind, text))
    except (KeyError, TypeError, ValueError):
        return None
    if (at_old, at_new) != (len(old), len(new)):
        return None
    return diff


class StoredDiff(models.Model):
    """The word diff of two long texts (see the module's docstring)."""

    key = models.CharField(max_length=64, primary_key=True)
    #: [[kind, length], ...]: "s" same, "r" removed, "a" added.
    pieces = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "stored word diff"

    def __str__(self):
        return self.key
