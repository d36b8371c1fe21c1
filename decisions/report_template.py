"""A council's own report template: the implication headings its reports
use (renamed, reordered and retired by the council), the extra sections
they carry (consultation undertaken, council plan, abbreviations …), and
whether an implication the author left unfilled is left out or printed
"Not stated". The report form asks for the headings in the council's order;
the report page and its paper print them from here.

Nothing here ever prints "None" for the author: a heading says "None" only
when the author wrote it.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from governance.history import delete_with_reason, save_with_reason

from .models import ReportHeading, ReportTemplate, ReportText

#: The implication headings every council starts with, in this order: (key,
#: name). A council renames, reorders or retires them like its own.
STANDARD = [
    ("financial", "Financial"),
    ("legal", "Legal"),
    ("risk", "Risk"),
    ("equality", "Equality and diversity"),
    ("crime-and-disorder", "Crime and disorder"),
    ("health-and-wellbeing", "Health and wellbeing"),
    ("sustainability", "Sustainability"),
]
REASON = "Standard report template"


def set_up(organisation, *, user=None):
    """Give a council its template and the standard headings (a new
    council; idempotent)."""
    with transaction.atomic():
        if not ReportTemplate.objects.filter(organisation=organisation).exists():
            save_with_reason(
                ReportTemplate(organisation=organisation), user=user, reason=REASON
            )
        have = set(
            ReportHeading.objects.for_organisation(organisation).values_list(
                "standard", flat=True
            )
        )
        names = {
            name.lower()
            for name in ReportHeading.objects.for_organisation(
                organisation
            ).values_list("name", flat=True)
        }
        for position, (key, name) in enumerate(STANDARD, start=1):
            if key in have or name.lower() in names:
                continue
            heading = ReportHeading(
                organisation=organisation, name=name, position=position, standard=key
            )
            save_with_reason(heading, user=user, reason=REASON)


def template_of(organisation):
    """The council's template (`organisation` or its id; unsaved defaults if
    it has none yet)."""
    organisation_id = getattr(organisation, "pk", organisation)
    return ReportTemplate.objects.filter(
        organisation_id=organisation_id
    ).first() or ReportTemplate(organisation_id=organisation_id)


def next_position(organisation, kind):
    last = (
        ReportHeading.objects.for_organisation(organisation)
        .filter(kind=kind)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return (last or 0) + 1


def move(heading, direction, *, user):
    """Swap `heading` with its neighbour of the same kind, up (-1) or down
    (+1); at either end nothing moves. Returns whether it moved."""
    with transaction.atomic():
        siblings = list(
            ReportHeading.objects.for_organisation(heading.organisation_id)
            .filter(kind=heading.kind)
            .select_for_update()
            .order_by("position", "pk")
        )
        index = next(i for i, row in enumerate(siblings) if row.pk == heading.pk)
        other = index + direction
        if not 0 <= other < len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        reason = _("Moved up") if direction < 0 else _("Moved down")
        for position, row in enumerate(siblings, start=1):
            if row.position != position:
                row.position = position
                save_with_reason(row, user=user, reason=reason)
        return True


# --- the headings of one report --------------------------------------------------


def headings_for(report, organisation):
    """The headings a report's form asks for, in the council's order (its
    sections, then its implications): those in use, and any retired one
    under which this report has text."""
    headings = ReportHeading.objects.for_organisation(organisation)
    texts = texts_of(report)
    asked = [
        heading
        for heading in headings.order_by("position", "pk")
        if not heading.retired or texts.get(heading.pk, "").strip()
    ]
    # Sections come first, as they are printed before the implications.
    return sorted(asked, key=lambda heading: heading.is_implication)


def texts_of(report):
    """{heading id: text} of a saved report (uses prefetched `texts`)."""
    if report.pk is None:
        return {}
    return {row.heading_id: row.text for row in report.texts.all()}


def save_texts(report, texts, *, user, reason):
    """Keep what the form gathered ({heading: text}): changed rows saved,
    emptied ones removed, each through the history."""
    if not texts:
        return
    rows = {row.heading_id: row for row in report.texts.all()}
    for heading, text in texts.items():
        row = rows.get(heading.pk)
        if row is None:
            if text.strip():
                save_with_reason(
                    ReportText(report=report, heading=heading, text=text),
                    user=user,
                    reason=reason,
                )
        elif not text.strip():
            delete_with_reason(row, user=user, reason=reason)
        elif row.text != text:
            row.text = text
            save_with_reason(row, user=user, reason=reason)


def _printed(report, kind):
    """(heading, text) of `kind` for `report`, in the council's order."""
    texts = texts_of(report)
    headings = (
        ReportHeading.objects.for_organisation(report.organisation_id)
        .filter(kind=kind)
        .order_by("position", "pk")
    )
    return [
        (heading, texts.get(heading.pk, "").strip())
        for heading in headings
        if not heading.retired or texts.get(heading.pk, "").strip()
    ]


NOT_STATED = "Not stated"


def unfilled_text(template):
    """What an unfilled implication prints: "Not stated", or None (left out)."""
    return None if template.omits_unfilled else _(NOT_STATED)


def implications_of(report):
    """(heading, text) rows of the report's implications table: its
    council's implication headings, then groups affected and the budget
    and policy framework; an unfilled one is printed "Not stated" or left
    out, as the council's template says."""
    unfilled = unfilled_text(template_of(report.organisation_id))
    rows = [(heading.name, text) for heading, text in _printed(report, "implication")]
    rows += [
        (_("Groups affected"), report.groups_affected.strip()),
        (_("Budget and policy framework"), report.budget_and_policy_framework.strip()),
    ]
    return [
        (name, text or unfilled) for name, text in rows if text or unfilled is not None
    ]


def sections_of(report):
    """(heading, text) of the extra sections the report fills in."""
    return [
        (heading.name, text) for heading, text in _printed(report, "section") if text
    ]
