"""What full-text search looks through, one `Source` per searchable model.

Every source starts from its model's `visible_to(user)` and the council
being worked in, so a member never finds a draft and nobody finds another
council's record, in the results or in their counts. Each source is one
ranked, LIMITed query over its stored, GIN-indexed `search_vector`
(`governance/text_search.py`); `search()` merges the sources by rank. The
snippet is PostgreSQL's `ts_headline` with private-use markers around the
matched words, which `highlight()` turns into `<mark>` after escaping the
text. See docs/search.md.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Count, F, Q, TextField, Value, Window
from django.db.models.functions import Concat, Replace
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from decisions.models import (
    AgendaItem,
    Committee,
    DecisionRecord,
    Meeting,
    Recommendation,
    Report,
    Resolution,
)
from governance.permissions import can
from governance.text_search import CONFIG
from strategy.models import Objective, Risk, Strategy, Theme
from workplan.models import ProgressNote, ProgressUpdate, Review, WorkplanItem

#: Search words longer than this are refused with a message (a sentence of
#: a paper is plenty; a pasted page would only slow the query down).
MAX_LENGTH = 200

#: ts_headline's markers around a matched word: characters from Unicode's
#: private-use area, which no council's text means as anything.
START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = {
    "start_sel": START,
    "stop_sel": STOP,
    "max_words": 30,
    "min_words": 12,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}


class Kind:
    """The kinds a person filters by (and the tag on each result)."""

    STRATEGY = "strategy"
    WORKPLAN = "workplan"
    REPORT = "report"
    DECISION = "decision"
    MEETING = "meeting"
    COMMITTEE = "committee"

    choices = [
        (STRATEGY, _("Strategies")),
        (WORKPLAN, _("Workplan items and progress notes")),
        (REPORT, _("Reports")),
        (DECISION, _("Decisions")),
        (MEETING, _("Meetings")),
        (COMMITTEE, _("Committees")),
    ]
    #: The tag on one result.
    tags = {
        STRATEGY: _("Strategy"),
        WORKPLAN: _("Workplan"),
        REPORT: _("Report"),
        DECISION: _("Decision"),
        MEETING: _("Meeting"),
        COMMITTEE: _("Committee"),
    }


@dataclass
class Result:
    """One thing found, ready to print."""

    kind: str
    title: str
    url: str
    #: Where in the record the words were found ("Objective", "Progress
    #: note of 3 March 2023"), or "" for the record's own text.
    found_in: str
    when: str
    snippet: str
    rank: float

    @property
    def tag(self):
        return Kind.tags[self.kind]


def highlight(headline):
    """The snippet as safe HTML: the text escaped, then the markers made
    `<mark>` (PostgreSQL's headline also leaves out anything its parser
    reads as an HTML tag)."""
    parts = escape(headline or "").split(START)
    html = [parts[0].replace(STOP, "")]
    for part in parts[1:]:
        marked, _sep, rest = part.partition(STOP)
        html.append(f"<mark>{marked}</mark>{rest.replace(STOP, '')}")
    return mark_safe("".join(html))  # noqa: S308 - every piece escaped above


def _long_date(day):
    return f"{day.day} {day:%B %Y}" if day else ""


def _years(start, end):
    """Strategies whose period overlaps the dates' years."""
    condition = Q()
    if start:
        condition &= Q(period_end_year__gte=start.year)
    if end:
        condition &= Q(period_start_year__lte=end.year)
    return condition


@dataclass(frozen=True)
class Source:
    """One searchable model: how to reach the rows a person may see, which
    text the snippet is cut from, how the committee and date filters apply
    (a source with no committee is left out when a committee is chosen),
    and how a row is printed."""

    kind: str
    model: type
    #: The fields the snippet is cut from, in reading order (not the
    #: title, which is the result's link).
    text: tuple
    related: tuple = ()

    def visible(self, user, organisation):
        raise NotImplementedError

    def for_committee(self, queryset, committee):
        return None

    def between(self, queryset, start, end):
        return queryset

    def describe(self, row):
        raise NotImplementedError

    def matching(self, user, organisation, query, committee, start, end):
        queryset = self.visible(user, organisation)
        if committee is not None:
            queryset = self.for_committee(queryset, committee)
            if queryset is None:
                return None
        if start or end:
            queryset = self.between(queryset, start, end)
        return queryset.filter(search_vector=query)

    def ranked(self, queryset, query, limit):
        """The best `limit` rows, each with its rank, snippet and the number
        of rows matching in all (`total`, one window count: one query)."""
        pieces = []
        for name in self.text:
            # The markers, should a record hold them, are not the headline's.
            text = Replace(
                Replace(F(name), Value(START), output_field=TextField()),
                Value(STOP),
                output_field=TextField(),
            )
            pieces += [text, Value(" · ")]
        return list(
            (queryset.select_related(*self.related) if self.related else queryset)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                total=Window(Count("pk")),
                headline=SearchHeadline(
                    Concat(*pieces[:-1], output_field=TextField())
                    if len(pieces) > 2
                    else pieces[0],
                    query,
                    config=CONFIG,
                    **HEADLINE_OPTIONS,
                ),
            )
            .order_by("-rank", "pk")[:limit]
        )

    def result(self, row):
        return Result(
            kind=self.kind,
            snippet=highlight(row.headline),
            rank=row.rank,
            **self.describe(row),
        )


def _strategies(user, organisation):
    return Strategy.objects.visible_to(user).for_organisation(organisation)


class StrategySource(Source):
    def visible(self, user, organisation):
        return _strategies(user, organisation)

    def between(self, queryset, start, end):
        return queryset.filter(_years(start, end))

    def describe(self, row):
        return {
            "title": row.title,
            "url": row.get_absolute_url(),
            "found_in": "",
            "when": row.period,
        }


class StrategyPartSource(Source):
    """A theme, objective or risk: found in its own right, shown as the
    strategy it belongs to."""

    #: The lookup from the part to its strategy.
    strategy = "strategy"
    label = ""

    def visible(self, user, organisation):
        return self.model.objects.filter(
            **{f"{self.strategy}__in": _strategies(user, organisation)}
        )

    def between(self, queryset, start, end):
        strategies = Strategy.objects.filter(_years(start, end))
        return queryset.filter(**{f"{self.strategy}__in": strategies})

    def describe(self, row):
        strategy = row.strategy if self.strategy == "strategy" else row.theme.strategy
        return {
            "title": strategy.title,
            "url": strategy.get_absolute_url(),
            "found_in": self.label,
            "when": strategy.period,
        }


class ThemeSource(StrategyPartSource):
    label = _("Theme")


class ObjectiveSource(StrategyPartSource):
    strategy = "theme__strategy"
    label = _("Objective")


class RiskSource(StrategyPartSource):
    label = _("Risk")


def _items(user, organisation):
    return WorkplanItem.objects.visible_to(user).for_organisation(organisation)


class ItemSource(Source):
    def visible(self, user, organisation):
        return _items(user, organisation)

    def between(self, queryset, start, end):
        if start:
            queryset = queryset.filter(target_date__gte=start)
        if end:
            queryset = queryset.filter(target_date__lte=end)
        return queryset

    def describe(self, row):
        return {
            "title": f"{row.reference} {row.title}",
            "url": row.get_absolute_url(),
            "found_in": "",
            "when": row.target_as_written or _long_date(row.target_date),
        }


class NoteSource(Source):
    def visible(self, user, organisation):
        return ProgressNote.objects.filter(item__in=_items(user, organisation))

    def between(self, queryset, start, end):
        if start:
            queryset = queryset.filter(written_on__gte=start)
        if end:
            queryset = queryset.filter(written_on__lte=end)
        return queryset

    def describe(self, row):
        return {
            "title": f"{row.item.reference} {row.item.title}",
            "url": row.item.get_absolute_url(),
            "found_in": _("Progress note"),
            "when": _long_date(row.written_on),
        }


class UpdateSource(Source):
    """Progress updates given in review rounds: a member reads them once
    the round has been reported (`Review.objects.visible_to`)."""

    def visible(self, user, organisation):
        return ProgressUpdate.objects.filter(
            item__in=_items(user, organisation),
            review__in=Review.objects.visible_to(user),
        )

    def between(self, queryset, start, end):
        if start:
            queryset = queryset.filter(as_at__gte=start)
        if end:
            queryset = queryset.filter(as_at__lte=end)
        return queryset

    def describe(self, row):
        return {
            "title": f"{row.item.reference} {row.item.title}",
            "url": row.item.get_absolute_url() + "#progress",
            "found_in": _("Progress update for review %(number)s")
            % {"number": row.review.number},
            "when": _long_date(row.as_at),
        }


def _on_agendas(committee=None, start=None, end=None):
    items = AgendaItem.objects.filter(report__isnull=False)
    if committee is not None:
        items = items.filter(meeting__committee=committee)
    if start:
        items = items.filter(meeting__starts_at__date__gte=start)
    if end:
        items = items.filter(meeting__starts_at__date__lte=end)
    return items.values("report_id")


def reads_exempt(user, organisation):
    """Whether `user` may read `organisation`'s exempt information: if not,
    withheld reports and the agenda items carrying them are never found
    (their text, and a title not marked publishable, stay hidden). Decision
    records' exempt parts are not in the search index at all."""
    return can(user, "read_exempt_information", organisation)


class ReportSource(Source):
    def visible(self, user, organisation):
        return _reports(user, organisation)

    def for_committee(self, queryset, committee):
        return queryset.filter(pk__in=_on_agendas(committee=committee))

    def between(self, queryset, start, end):
        return queryset.filter(pk__in=_on_agendas(start=start, end=end))

    def describe(self, row):
        return {
            "title": row.title,
            "url": row.get_absolute_url(),
            "found_in": "",
            "when": "",
        }


def _reports(user, organisation):
    """The reports `user` may find: withheld ones only for those who may
    read exempt information (docs/exempt-information.md)."""
    reports = Report.objects.visible_to(user).for_organisation(organisation)
    if not reads_exempt(user, organisation):
        reports = reports.filter(Report.objects.not_exempt_filter())
    return reports


class RecommendationSource(Source):
    """A report's recommendation: found in its own right, shown as its
    report (read by whoever may read the report)."""

    def visible(self, user, organisation):
        return Recommendation.objects.filter(report__in=_reports(user, organisation))

    def for_committee(self, queryset, committee):
        return queryset.filter(report__in=_on_agendas(committee=committee))

    def between(self, queryset, start, end):
        return queryset.filter(report__in=_on_agendas(start=start, end=end))

    def describe(self, row):
        return {
            "title": row.report.title,
            "url": row.report.get_absolute_url(),
            "found_in": _("Recommendation %(number)s") % {"number": row.position},
            "when": "",
        }


class DecisionSource(Source):
    def visible(self, user, organisation):
        return _decisions(user, organisation)

    def for_committee(self, queryset, committee):
        return queryset.filter(meeting__committee=committee)

    def between(self, queryset, start, end):
        if start:
            queryset = queryset.filter(decision_date__gte=start)
        if end:
            queryset = queryset.filter(decision_date__lte=end)
        return queryset

    def describe(self, row):
        return {
            "title": row.title,
            "url": row.get_absolute_url(),
            "found_in": "",
            "when": _long_date(row.decision_date),
        }


def _decisions(user, organisation):
    return DecisionRecord.objects.visible_to(user).for_organisation(organisation)


class ResolutionSource(Source):
    """A decision's resolution: found in its own right, shown as its
    decision (read by whoever may read the decision)."""

    def visible(self, user, organisation):
        return Resolution.objects.filter(decision__in=_decisions(user, organisation))

    def for_committee(self, queryset, committee):
        return queryset.filter(decision__meeting__committee=committee)

    def between(self, queryset, start, end):
        if start:
            queryset = queryset.filter(decision__decision_date__gte=start)
        if end:
            queryset = queryset.filter(decision__decision_date__lte=end)
        return queryset

    def describe(self, row):
        return {
            "title": row.decision.title,
            "url": row.decision.get_absolute_url(),
            "found_in": _("Resolution %(number)s") % {"number": row.position},
            "when": _long_date(row.decision.decision_date),
        }


class AgendaSource(Source):
    """A meeting, found by the items on its agenda (members: once the
    agenda is published)."""

    def visible(self, user, organisation):
        items = AgendaItem.objects.visible_to(user).for_organisation(organisation)
        if not reads_exempt(user, organisation):
            items = items.exclude(
                Report.withheld_q("report__"), report__exempt_scope="report"
            )
        return items

    def for_committee(self, queryset, committee):
        return queryset.filter(meeting__committee=committee)

    def between(self, queryset, start, end):
        if start:
            queryset = queryset.filter(meeting__starts_at__date__gte=start)
        if end:
            queryset = queryset.filter(meeting__starts_at__date__lte=end)
        return queryset

    def describe(self, row):
        return {
            "title": str(row.meeting),
            "url": row.meeting.get_absolute_url(),
            "found_in": _("Agenda item %(number)s") % {"number": row.position},
            "when": "",
        }


class VenueSource(Source):
    """A meeting, found by its venue (everyone in the council sees that a
    meeting is held, and where, before its agenda is published)."""

    def visible(self, user, organisation):
        return Meeting.objects.visible_to(user).for_organisation(organisation)

    def for_committee(self, queryset, committee):
        return queryset.filter(committee=committee)

    def between(self, queryset, start, end):
        if start:
            queryset = queryset.filter(starts_at__date__gte=start)
        if end:
            queryset = queryset.filter(starts_at__date__lte=end)
        return queryset

    def describe(self, row):
        return {
            "title": str(row),
            "url": row.get_absolute_url(),
            "found_in": _("Venue"),
            "when": "",
        }


class CommitteeSource(Source):
    """A committee, by its name and purpose (everyone in the council reads
    its page). A committee has no date: a date filter leaves it out."""

    def visible(self, user, organisation):
        return Committee.objects.visible_to(user).for_organisation(organisation)

    def for_committee(self, queryset, committee):
        return queryset.filter(pk=committee.pk)

    def between(self, queryset, start, end):
        return queryset.none()

    def describe(self, row):
        return {
            "title": row.name,
            "url": reverse(
                "decisions:committee_detail", args=[row.organisation.slug, row.pk]
            ),
            "found_in": "",
            "when": "",
        }


SOURCES = [
    StrategySource(Kind.STRATEGY, Strategy, ("summary", "vision", "body")),
    ThemeSource(Kind.STRATEGY, Theme, ("title", "description"), ("strategy",)),
    ObjectiveSource(Kind.STRATEGY, Objective, ("text",), ("theme__strategy",)),
    RiskSource(Kind.STRATEGY, Risk, ("description", "mitigation"), ("strategy",)),
    ItemSource(
        Kind.WORKPLAN,
        WorkplanItem,
        ("description", "status_as_reported", "rag_reason"),
    ),
    NoteSource(Kind.WORKPLAN, ProgressNote, ("text",), ("item",)),
    UpdateSource(
        Kind.WORKPLAN, ProgressUpdate, ("commentary", "rag_reason"), ("item", "review")
    ),
    ReportSource(Kind.REPORT, Report, ("purpose", "summary", "reasons")),
    RecommendationSource(Kind.REPORT, Recommendation, ("text",), ("report",)),
    DecisionSource(Kind.DECISION, DecisionRecord, ("record", "reasons")),
    ResolutionSource(Kind.DECISION, Resolution, ("text",), ("decision",)),
    AgendaSource(Kind.MEETING, AgendaItem, ("title",), ("meeting__committee",)),
    VenueSource(Kind.MEETING, Meeting, ("venue",), ("committee",)),
    CommitteeSource(Kind.COMMITTEE, Committee, ("purpose",), ("organisation",)),
]


@dataclass
class Found:
    """What a search found: the results (best first, as many as asked
    for) and how many of each kind there are in all."""

    results: list
    counts: dict

    @property
    def total(self):
        return sum(self.counts.values())


def search(
    user,
    organisation,
    words,
    *,
    kind=None,
    committee=None,
    start: date | None = None,
    end: date | None = None,
    limit=20,
):
    """The best `limit` things `user` may see in `organisation` matching
    `words` (web-search syntax: "quoted phrases", or, -not), with counts of
    each kind (filtered as asked, except by kind). One query per source."""
    counts = {key: 0 for key, _label in Kind.choices}
    if organisation is None or not words.strip():
        return Found([], counts)
    query = SearchQuery(words, config=CONFIG, search_type="websearch")
    results = []
    for source in SOURCES:
        matching = source.matching(user, organisation, query, committee, start, end)
        if matching is None:
            continue
        wanted = kind in (None, "", source.kind)
        # A kind not asked for is still counted (for the kind filter).
        rows = source.ranked(matching, query, limit if wanted else 1)
        if rows:
            counts[source.kind] += rows[0].total
        if wanted:
            results += [source.result(row) for row in rows]
    results.sort(key=lambda result: -result.rank)
    return Found(results[:limit], counts)
