"""The versions of a strategy and their texts, for reading and comparing.

A strategy and its replacements form a line (`Strategy.line`), numbered 1, 2,
3 … (`Strategy.version_number`). A version's text is the text as approved
(`ApprovedVersion`, kept when it was approved, whatever minor amendments came
after); a version not approved (yet) has only its text now, which only the
people who may read drafts ever see, because only they see such a version.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from decisions.models import DecisionRecord
from governance.history import Section, compare_snapshots
from governance.lifecycle import ApprovedVersion

from .models import Strategy


@dataclass
class Version:
    """One strategy of a line, with its approved text's row (without the
    text itself) and the decision that approved it, if the reader may see
    it."""

    strategy: Strategy
    approved: ApprovedVersion | None
    decision: DecisionRecord | None

    @property
    def number(self):
        return self.strategy.version_number

    @property
    def label(self):
        return self.strategy.version_label

    @property
    def choice_label(self):
        if self.approved is None:
            return _("%(version)s: %(title)s (not approved, the text now)") % {
                "version": self.label,
                "title": self.strategy.title,
            }
        return _("%(version)s: %(title)s (as approved)") % {
            "version": self.label,
            "title": self.strategy.title,
        }


def versions_of(strategy, user) -> list[Version]:
    """The versions of `strategy`'s line that `user` may read, first first.

    Queries: the strategies; their approved versions (not their texts); the
    approving decisions the reader may see. Three, however long the line.
    """
    strategies = list(Strategy.objects.visible_to(user).in_line_of(strategy))
    approved = {}
    for row in (
        ApprovedVersion.objects.filter(
            content_type=ContentType.objects.get_for_model(Strategy),
            object_id__in=[s.pk for s in strategies],
            withdrawn_on__isnull=True,
        )
        .defer("data")
        .order_by("-approved_on", "-pk")
    ):
        approved.setdefault(row.object_id, row)  # the latest approval of each
    decisions = DecisionRecord.objects.visible_to(user).select_related(
        "meeting__committee"
    )
    decisions = decisions.in_bulk(
        [row.decision_id for row in approved.values() if row.decision_id]
    )
    return [
        Version(
            strategy=s,
            approved=approved.get(s.pk),
            decision=decisions.get(approved[s.pk].decision_id)
            if s.pk in approved
            else None,
        )
        for s in strategies
    ]


def compare(earlier: Version, later: Version) -> list[Section]:
    """The two versions' texts side by side, matched field by field, theme by
    theme and risk by risk (`governance.history.compare_snapshots`: `approved`
    is the earlier's text, `current` the later's).

    Queries: one for the approved texts, and for a version not approved its
    themes, objectives and risks.
    """
    ids = [v.approved.pk for v in (earlier, later) if v.approved is not None]
    texts = dict(ApprovedVersion.objects.filter(pk__in=ids).values_list("pk", "data"))

    def text(version):
        if version.approved is not None:
            return texts[version.approved.pk]
        return Strategy.objects.get(pk=version.strategy.pk).snapshot()

    sections = compare_snapshots(
        in_reading_order(text(earlier)), in_reading_order(text(later))
    )
    for section in sections:
        # A field empty in both versions says nothing about either.
        section.rows = [row for row in section.rows if row.approved or row.current]
    return sections


def in_reading_order(text):
    """A snapshot in the strategy's reading order: its fields as
    `Strategy.CONTENT_FIELDS` lists them, then its themes, then its risks.
    (A stored snapshot is JSONB, which keeps no order of keys.)"""
    fields = text.get("fields", {})
    ordered = {name: fields[name] for name in Strategy.CONTENT_FIELDS if name in fields}
    result = {"fields": ordered | fields}
    result |= {key: text[key] for key in ("themes", "risks") if key in text}
    result |= {key: value for key, value in text.items() if key not in result}
    return result
