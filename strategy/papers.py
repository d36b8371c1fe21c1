"""Committee papers of a strategy, as parts (see `governance/papers.py`).

Each builder loads the strategy again with everything its template reads
(one query per kind of row, however many themes, objectives and risks) and
hands the template plain lists and dicts, so rendering it makes no query.
The caller has already decided the reader may see the strategy, and whether
the paper is a draft.
"""

import math

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from governance.lifecycle import ADOPTED, MinorAmendment
from governance.models import Membership, Post
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

#: Strategy on a page: text is shortened (at a word) to a width in ems, so
#: that each theme title and objective takes one line of its themes table.
PAGE_VISION_EMS = 220
PAGE_DECISION_EMS = 30
PAGE_THEME_EMS = 44
PAGE_OBJECTIVE_EMS = 49


class PageBudget:
    """How much of the themes table fits on one A4 page, in its lines (9pt),
    as measured against `static/css/paper.css` (measure again if it changes).

    With a one-line title, a one-line approval and no vision, the table has
    43 lines; each further line of the title (about 20 ems) takes 2.25 of
    them, each line of 11pt text (about 42 ems) 1.25, the vision's
    paragraph 1.5 more, and the padding of each row half a line. A line and
    a half is kept spare.
    """

    lines = 41.5
    title_ems, title_line = 20, 2.25
    text_ems, text_line = 42, 1.25
    vision_gap = 1.5
    row_gap = 0.5

    @classmethod
    def for_page(cls, title, approval, vision):
        budget = cls.lines - cls.title_line * (_lines(title, cls.title_ems) - 1)
        if approval:
            line = "Approved by {committee} on 30 September 2020 ({decision})"
            budget -= cls.text_line * (
                _lines(line.format(**approval), cls.text_ems) - 1
            )
        if vision:
            budget -= cls.vision_gap + cls.text_line * _lines(
                "Vision: " + vision, cls.text_ems
            )
        return budget


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
    """The strategy on one A4 page: period, budget, approval, vision, and
    each theme with its objectives shortened to a line.

    What would not fit is summed up ("and 3 more objectives", "and 2 more
    themes"), never left to overflow (see `PageBudget`). Queries: the
    strategy with its approving decision; its themes; their objectives.
    """
    strategy = (
        _with_approval(Strategy.objects)
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.prefetch_related("objectives"))
        )
        .get(pk=strategy.pk)
    )
    approval = _approval(strategy)
    if approval:
        approval["decision"] = _short(approval["decision"], PAGE_DECISION_EMS)
    vision = _short(strategy.vision, PAGE_VISION_EMS)
    themes = [
        {
            "number": number,
            "title": _short(theme.title, PAGE_THEME_EMS),
            "objectives": [
                {
                    "number": f"{number}.{index}",
                    "text": _short(objective.text, PAGE_OBJECTIVE_EMS),
                }
                for index, objective in enumerate(theme.objectives.all(), 1)
            ],
        }
        for number, theme in enumerate(strategy.themes.all(), 1)
    ]
    budget = PageBudget.for_page(strategy.title, approval, vision)
    shown, more_themes = fit_themes(themes, budget)
    return Part(
        "papers/parts/strategy_on_a_page.html",
        {
            **_heading(strategy),
            "vision": vision,
            "approval": approval,
            "themes": shown,
            "more_themes": more_themes,
        },
    )


def fit_themes(themes, budget):
    """The themes that fit in `budget` lines of the themes table, each with
    the objectives that fit, and how many themes were left out.

    Each theme shown takes its title line and at least one more (an
    objective, or "3 objectives"); the lines left are shared out one at a
    time, theme by theme, so every theme keeps its first objectives. A theme
    that cannot show them all ends with "and N more objectives" (`more`).
    """
    gap = PageBudget.row_gap

    def cost(count, left_out):
        rows = count + (1 if left_out else 0)
        return count + gap * max(rows - 1, 0) + (1 if left_out else 0)

    count = len(themes)
    while count > 1 and cost(count, count < len(themes)) + count > budget:
        count -= 1
    spare = budget - cost(count, count < len(themes))
    wanted = [len(theme["objectives"]) for theme in themes[:count]]
    quota = [0] * count
    while spare >= 1 and any(q < w for q, w in zip(quota, wanted, strict=True)):
        for index in range(count):
            if quota[index] < wanted[index] and spare >= 1:
                quota[index] += 1
                spare -= 1
    shown = []
    for theme, lines, total in zip(themes[:count], quota, wanted, strict=True):
        keep = total if lines >= total else max(lines - 1, 0)
        shown.append(
            {**theme, "objectives": theme["objectives"][:keep], "more": total - keep}
        )
    return shown, len(themes) - count


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


def _short(text, ems):
    """`text` on one line, cut at a word to at most `ems` wide."""
    text = " ".join(text.split())
    if _ems(text) <= ems:
        return text
    width, end = _em("…"), 0
    while width + _em(text[end]) <= ems:
        width += _em(text[end])
        end += 1
    cut = text[:end]
    if " " in cut[len(cut) // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–-") + "…"


def _lines(text, ems_per_line):
    """About how many lines `text` takes, `ems_per_line` to a line."""
    return max(1, math.ceil(_ems(text) / ems_per_line))


#: Roughly how wide characters are in Liberation Sans (Arial's widths), in
#: ems: enough to keep text to a line, not to typeset it.
NARROW, WIDE = frozenset(" .,:;'!|()[]/-ijlftrI"), frozenset("mwMW@%")


def _em(char):
    if char in NARROW:
        return 0.3
    if char in WIDE:
        return 0.95
    if "A" <= char <= "Z":
        return 0.72
    if char < "\u0250":
        return 0.56
    return 1.0


def _ems(text):
    return sum(map(_em, text))


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
