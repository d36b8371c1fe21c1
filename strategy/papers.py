"""Committee papers of a strategy, as parts (see `governance/papers.py`).

Each builder loads the strategy again with everything its template reads
(one query per kind of row, however many themes, objectives and risks) and
hands the template plain lists and dicts, so rendering it makes no query.
The caller has already decided the reader may see the strategy, and whether
the paper is a draft.
"""

import re

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.lifecycle import ADOPTED, MinorAmendment
from governance.models import Membership, Post
from governance.one_page import Layout, fit_one_page
from governance.paper_store import (
    PaperKind,
    approval_mark,
    history_marks,
    names_mark,
    register,
)
from governance.papers import Part, prose_blocks

from .choices import RiskLevel
from .models import READABLE_BY_MEMBERS, Objective, Risk, Strategy, Theme

#: The strategy on a page is set at the first of these layouts that makes
#: one A4 page (`governance.one_page`; their CSS is the "strategy on a page"
#: block of `static/css/paper.css`): never below 9pt.
PAGE_LAYOUTS = (
    Layout("11-1", 11, 1),
    Layout("10-2", 10, 2),
    Layout("9-2", 9, 2),
    Layout("9-3", 9, 3),
)
#: Content taking more than this many pages at 11pt in one column cannot
#: fit 9pt in three: a line there is no wider in ems and 9/11 as tall, so
#: the page holds at most 3 × 11/9 (3.7) times as many lines.
PAGE_LAYOUT_REACH = 4
#: At most this many characters of the summary, and of the vision, and
#: this many themes and objectives, are offered to the page: more than a
#: page at 9pt in three columns can hold (183 lines; every objective takes
#: a line, every theme two), so a strategy of any size is measured in a few
#: pages' layout, and what is beyond them is left to the full strategy.
PAGE_TEXT_LIMIT = 15_000
PAGE_THEME_LIMIT = 100
PAGE_OBJECTIVE_LIMIT = 200
#: A summary or vision cut short ends at a sentence if one ends within
#: this many words of where the page is full.
SENTENCE_WORDS = 30


RAG_CLASS = {RiskLevel.HIGH: "rag-red", RiskLevel.MEDIUM: "rag-amber"}


def strategy_paper_title(strategy):
    return strategy.title


def strategy_on_a_page_title(strategy):
    return _("%(title)s: strategy on a page") % {"title": strategy.title}


def strategy_full_part(strategy):
    """The strategy in full: every field, its themes with their numbered
    objectives, its risks, its approval and the minor amendments since.

    Queries: the strategy with its people, scrutiny meeting and approving
    decision; its themes; their objectives; its risks; the replacements
    members may read; its minor amendments with who made and authorised them.
    """
    strategy = (
        _with_approval(Strategy.objects)
        .select_related(
            "replaces",
            "cabinet_member",
            "director",
            "lead_officer__user",
            "scrutiny_meeting__committee",
        )
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.prefetch_related("objectives")),
            "risks",
            Prefetch(
                "replacements",
                queryset=Strategy.objects.filter(status__in=READABLE_BY_MEMBERS),
                to_attr="readable_replacements",
            ),
        )
        .get(pk=strategy.pk)
    )
    return Part(
        "papers/parts/strategy_full.html",
        {
            **_heading(strategy),
            "approval": _approval(strategy),
            "scrutiny": _scrutiny(strategy),
            "next_review_due": strategy.next_review_due,
            "replaces": strategy.replaces.title if strategy.replaces else "",
            "replaced_by": [new.title for new in strategy.readable_replacements],
            "people": [
                {
                    "role": _("Responsible cabinet member"),
                    "name": _held(strategy.cabinet_member),
                },
                {"role": _("Responsible director"), "name": _held(strategy.director)},
                {"role": _("Lead officer"), "name": _post(strategy.lead_officer)},
            ],
            "vision": strategy.vision,
            "summary": strategy.summary,
            # Its sections as headings and paragraphs (bookmarked, tagged).
            "body": prose_blocks(strategy.body),
            "budget_implications": strategy.budget_implications,
            "consultation": strategy.consultation,
            "themes": [
                {
                    "number": number,
                    "title": theme.title,
                    "description": theme.description,
                    "corporate_priority": theme.corporate_priority,
                    "objectives": [
                        {"number": f"{number}.{index}", "text": objective.text}
                        for index, objective in enumerate(theme.objectives.all(), 1)
                    ],
                }
                for number, theme in enumerate(strategy.themes.all(), 1)
            ],
            "risks": [
                {
                    "description": risk.description,
                    "likelihood": risk.get_likelihood_display(),
                    "likelihood_class": RAG_CLASS.get(risk.likelihood, "rag-green"),
                    "impact": risk.get_impact_display(),
                    "impact_class": RAG_CLASS.get(risk.impact, "rag-green"),
                    "mitigation": risk.mitigation,
                    "owner": risk.owner,
                    "reviewed": risk.get_review_frequency_display(),
                }
                for risk in strategy.risks.all()
            ],
            "amendments": [
                {
                    "made_on": amendment.made_on,
                    "at": amendment.at,
                    "reason": amendment.reason,
                    "authorised_by": _name(amendment.authorised_by),
                    "made_by": _name(amendment.made_by),
                }
                for amendment in MinorAmendment.for_record(strategy)
            ],
        },
    )


def strategy_on_a_page_part(strategy):
    """The strategy on one A4 page: the officer's summary first, then the
    vision, each theme with its objectives, and the key facts (period,
    budget, approval, next review).

    The part carries everything; `fit_on_a_page` lays it out when the paper
    is made, at the layout that fits, keeping less only when even the most
    compact overflows (`PageContent`). Queries: the strategy with its
    approving decision; its themes; their objectives.
    """
    strategy = (
        _with_approval(Strategy.objects)
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.prefetch_related("objectives"))
        )
        .get(pk=strategy.pk)
    )
    data = {
        **_heading(strategy),
        "approval": _approval(strategy),
        "next_review_due": strategy.next_review_due,
        "summary": strategy.summary,
        "vision": strategy.vision,
        "themes": [
            {
                "number": number,
                "title": " ".join(theme.title.split()),
                "objectives": [
                    {
                        "number": f"{number}.{index}",
                        "text": " ".join(objective.text.split()),
                    }
                    for index, objective in enumerate(theme.objectives.all(), 1)
                ],
            }
            for number, theme in enumerate(strategy.themes.all(), 1)
        ],
    }
    return Part("papers/parts/strategy_on_a_page.html", data, fit=fit_on_a_page)


def fit_on_a_page(part, organisation):
    """The strategy on a page as it prints: one page, measured."""
    page = PageContent(part.data)
    return fit_one_page(
        part,
        organisation,
        layouts=PAGE_LAYOUTS,
        units=page.units,
        content=page.content,
        reach=PAGE_LAYOUT_REACH,
    )


class PageContent:
    """What the strategy on a page prints, as units in order of importance:
    the words of the summary, the words of the vision, the themes, the
    objectives, and the detail of each objective (its wording after its
    first sentence). `content(keep)` keeps the first `keep`, so what goes
    first when the page is full is the detail of the objectives (the last
    first), then the objectives (the last theme's first), then the themes
    (the last first), then the vision and last of all the summary (each
    from its end, at a word, preferring a sentence's end). The title, the
    key facts and what was left to the full strategy always print.
    """

    def __init__(self, data):
        self.data = data
        self.summary = _Words(data["summary"])
        self.vision = _Words(data["vision"])
        self.themes = data["themes"]
        self.objectives = [o for theme in self.themes for o in theme["objectives"]]
        offered = self.objectives[:PAGE_OBJECTIVE_LIMIT]
        self.briefs = [_first_sentence(o["text"]) for o in offered]
        self.detailed = [
            index
            for index, (objective, brief) in enumerate(
                zip(offered, self.briefs, strict=True)
            )
            if brief != objective["text"]
        ]
        self.sizes = [
            self.summary.count,
            self.vision.count,
            min(len(self.themes), PAGE_THEME_LIMIT),
            len(offered),
            len(self.detailed),
        ]
        self.units = sum(self.sizes)

    def content(self, keep):
        """The template's data keeping the first `keep` units."""
        kept = []
        for size in self.sizes:
            kept.append(min(keep, size))
            keep -= kept[-1]
        summary, vision, themes, objectives, details = kept
        in_full = set(self.detailed[:details]) | (
            set(range(len(self.briefs))) - set(self.detailed)
        )
        shown, index, objectives_left = [], 0, 0
        for theme in self.themes[:themes]:
            printed = []
            for objective in theme["objectives"]:
                if index < objectives:
                    text = objective["text"] if index in in_full else self.briefs[index]
                    printed.append({**objective, "text": text})
                index += 1
            more = len(theme["objectives"]) - len(printed)
            objectives_left += more
            shown.append({**theme, "objectives": printed, "more": more})
        more_themes = len(self.themes) - themes
        continued = [
            *self.summary.left_out(summary, _("the summary")),
            *self.vision.left_out(vision, _("the vision")),
        ]
        if more_themes:
            first = themes + 1
            if more_themes == 1:
                left = _("theme %(first)s with its objectives")
            elif more_themes == 2:
                left = _("themes %(first)s and %(last)s with their objectives")
            else:
                left = _("themes %(first)s to %(last)s with their objectives")
            continued.append(left % {"first": first, "last": len(self.themes)})
        if objectives_left:
            continued.append(
                ngettext("%(count)s objective", "%(count)s objectives", objectives_left)
                % {"count": objectives_left}
            )
        briefed = len([i for i in self.detailed[details:] if i < objectives])
        if briefed:
            continued.append(
                ngettext(
                    "the full wording of %(count)s objective",
                    "the full wording of %(count)s objectives",
                    briefed,
                )
                % {"count": briefed}
            )
        return {
            **self.data,
            "summary": self.summary.paragraphs(summary),
            "vision": self.vision.paragraphs(vision),
            "themes": shown,
            "more_themes": more_themes,
            "continued": get_text_list(continued, _("and")),
        }


class _Words:
    """A text as words, to keep its first few: cut at a word (never inside
    one) and, if a sentence ends close before the cut, there."""

    def __init__(self, text):
        self.text = text.strip()
        ends = [match.end() for match in re.finditer(r"\S+", self.text)]
        self.total = len(ends)
        self.ends = [end for end in ends if end <= PAGE_TEXT_LIMIT]
        self.count = len(self.ends)

    def cut(self, keep):
        """The text up to where it is cut keeping `keep` words."""
        if keep >= self.total:
            return self.text
        if keep == 0:
            return ""
        text = self.text[: self.ends[keep - 1]]
        sentence = max(keep - SENTENCE_WORDS, 0)
        for index in range(keep - 1, sentence - 1, -1):
            if self.text[self.ends[index] - 1] in ".!?":
                return self.text[: self.ends[index]]
        return text

    def paragraphs(self, keep):
        text = self.cut(keep)
        return [p for p in re.split(r"\n\s*\n", text) if p.strip()]

    def left_out(self, keep, name):
        """What the page leaves to the full strategy, if anything."""
        if len(self.cut(keep)) >= len(self.text):
            return []
        if keep == 0:
            return [name]
        return [_("the rest of %(name)s") % {"name": name}]


def _first_sentence(text):
    """`text` up to the end of its first sentence (all of it if it has one):
    a full stop, question or exclamation mark followed by a capital, a digit
    or an opening quote or bracket ("e.g. the" does not end one)."""
    match = re.match(r"(.+?[.!?])\s+(?=[A-Z0-9\"'“‘(])", text)
    return match.group(1) if match else text


# --- helpers: plain data for the templates ----------------------------------------


def _with_approval(queryset):
    return queryset.select_related(
        "organisation", "approving_decision__meeting__committee"
    )


def _heading(strategy):
    return {
        "title": strategy.title,
        "version": strategy.version_label,
        "period": strategy.period,
        "status": strategy.status_label,
        "budget": _money(strategy.budget),
    }


def _approval(strategy):
    """The approving decision, its decision maker and date (or None)."""
    decision = strategy.approving_decision
    if decision is None:
        return None
    return {
        "decision": decision.title,
        "committee": decision.meeting.committee.name,
        "date": decision.decision_date,
    }


def _scrutiny(strategy):
    meeting = strategy.scrutiny_meeting
    if meeting is None:
        return None
    return {
        "meeting": str(meeting),
        "outcome": strategy.get_scrutiny_outcome_display(),
        "comments": strategy.scrutiny_comments,
    }


def _money(amount):
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def _name(user):
    return user.get_full_name() or user.username


def _held(post):
    """A named post as printed: "Helen Marsh, Cabinet Member for Resources"."""
    return _("Not set") if post is None else post.holder_and_name


def _post(membership):
    if membership is None:
        return _("Not set")
    name = _name(membership.user)
    return f"{name}, {membership.job_title}" if membership.job_title else name


# --- the papers as served (see `governance/paper_store.py`) -----------------


def strategy_version(strategy):
    """Changes with the strategy and with anything its papers print: any
    theme, objective or risk, the approving decision and its status now,
    the scrutiny meeting (and its committee), the strategies replacing it
    and the one it replaces, the posts and people it names, its minor
    amendments (and who made and authorised them)."""
    from decisions.models import Committee, Meeting

    amendments = MinorAmendment.for_record(strategy)
    lead = Membership.objects.filter(pk=strategy.lead_officer_id or 0)
    return ".".join(
        [
            str(strategy.version),
            approval_mark(strategy),
            history_marks(
                Meeting.history.filter(id=strategy.scrutiny_meeting_id or 0),
                Committee.history.filter(
                    id__in=Meeting.objects.filter(
                        id=strategy.scrutiny_meeting_id or 0
                    ).values("committee_id")
                ),
                Strategy.history.filter(replaces_id=strategy.pk),
                Strategy.history.filter(id=strategy.replaces_id or 0),
                Membership.history.filter(id=strategy.lead_officer_id or 0),
                Theme.history.filter(strategy_id=strategy.pk),
                Objective.history.filter(theme__strategy_id=strategy.pk),
                Risk.history.filter(strategy_id=strategy.pk),
                # The posts it names: a new holder prints on the next paper.
                Post.history.filter(
                    id__in=[strategy.cabinet_member_id or 0, strategy.director_id or 0]
                ),
            ),
            f"n{amendments.count()}",
            names_mark(
                lead.values("user_id"),
                amendments.values("made_by_id"),
                amendments.values("authorised_by_id"),
            ),
        ]
    )


STRATEGY = register(
    PaperKind(
        slug="strategy",
        model=Strategy,
        title=strategy_paper_title,
        parts=lambda strategy: [strategy_full_part(strategy)],
        is_final=lambda strategy: strategy.status in ADOPTED,
        version=strategy_version,
        filename=lambda strategy: (
            f"strategy-{strategy.pk}-{slugify(strategy.title)[:60]}.pdf"
        ),
        url=lambda strategy: reverse("strategy:strategy_paper", args=[strategy.pk]),
    )
)

STRATEGY_ON_A_PAGE = register(
    PaperKind(
        slug="strategy-on-a-page",
        model=Strategy,
        title=strategy_on_a_page_title,
        parts=lambda strategy: [strategy_on_a_page_part(strategy)],
        is_final=lambda strategy: strategy.status in ADOPTED,
        version=strategy_version,
        filename=lambda strategy: f"strategy-{strategy.pk}-on-a-page.pdf",
        url=lambda strategy: reverse(
            "strategy:strategy_on_a_page_paper", args=[strategy.pk]
        ),
    )
)
