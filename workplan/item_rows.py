"""The workplan page's item tables, written out in Python.

A page holds 50 rows of some twenty values each. Through the template
language each value is a lookup, a filter and an escape, about a third of
the page's time; here each row is one `format_html` (as the Django admin
writes its changelist's cells, `admin.templatetags.admin_list`). Every
value is escaped by `format_html`; the fixed markup is ours.

`item_tables(items, ...)` returns the tables, one per theme (or the
future works section), in the order the rows come: what the template's
`{% regroup %}` and `{% for %}` printed before, the same markup.
"""

from urllib.parse import quote

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.translation import gettext as _

from .choices import NOT_STATED, Confidence, DeliveryStatus, Rag

#: The columns a row and its section read (`_row`, `_target`, `item_tables`;
#: `is_overdue`, `is_approved`): the page's query reads these only.
ROW_COLUMNS = (
    "status",
    "workplan_id",
    "organisation_id",
    "reference",
    "title",
    "category",
    "target_date",
    "target_as_written",
    "delivery_status",
    "rag",
    "percent_complete",
    "theme__title",
    "lead_officer__user__first_name",
    "lead_officer__user__last_name",
)

TABLE_START = (
    '<table class="govuk-table app-items app-table-stack">\n'
    '      <caption class="govuk-table__caption govuk-table__caption--s">{}</caption>\n'
    '      <thead class="govuk-table__head"><tr class="govuk-table__row">\n'
    '        <th scope="col" class="govuk-table__header">{}</th>\n'
    '        <th scope="col" class="govuk-table__header">{}</th>\n'
    '        <th scope="col" class="govuk-table__header">{}</th>\n'
    '        <th scope="col" class="govuk-table__header">{}</th>\n'
    "      </tr></thead>\n"
    '      <tbody class="govuk-table__body">\n'
)
TABLE_END = "      </tbody>\n    </table>\n"

ROW = (
    '        <tr class="govuk-table__row">\n'
    '          <td data-label="{item_label}" class="govuk-table__cell">'
    '<a class="govuk-link" href="{url}">{reference} {title}</a>{awaiting}{added}\n'
    '            <br><span class="govuk-body-s">{lead}{departments}</span>\n'
    "          </td>\n"
    '          <td data-label="{type_label}" class="govuk-table__cell">'
    '<strong class="govuk-tag govuk-tag--grey">{category}</strong></td>\n'
    '          <td data-label="{target_heading}" class="govuk-table__cell">'
    "{target}</td>\n"
    '          <td data-label="{progress_label}" class="govuk-table__cell">\n'
    "            {rag} {percent}\n"
    '            <br><span class="govuk-body-s">{delivery}</span>{update}{move}\n'
    "          </td>\n"
    "        </tr>\n"
)

UPDATE = (
    '\n            <br><a class="govuk-link govuk-body-s" href="{}?next={}">'
    '{}<span class="govuk-visually-hidden"> {}</span></a>'
)

MOVE = (
    '\n            <form class="app-inline-form" method="post" action="{action}">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    '<input type="hidden" name="next" value="{here}">\n'
    '              <button class="govuk-button govuk-button--secondary'
    ' app-button--small"'
    ' name="direction" value="up" data-module="govuk-button"'
    ' data-prevent-double-click="true">{up}<span class="govuk-visually-hidden">:'
    " {reference}</span></button>\n"
    '              <button class="govuk-button govuk-button--secondary'
    ' app-button--small"'
    ' name="direction" value="down" data-module="govuk-button"'
    ' data-prevent-double-click="true">{down}<span class="govuk-visually-hidden">:'
    " {reference}</span></button>\n"
    "            </form>"
)


def _target(item, words):
    """The target as `WorkplanItem.target_label` prints it, flagged when the
    item is overdue (`is_overdue`, with today's date read once a page)."""
    label = item.target_as_written or words.date(item.target_date)
    if item.is_overdue(words.today):
        return format_html(words.overdue, label)
    return label or "–"


def _braces(text):
    return text.replace("{", "{{").replace("}", "}}")


class _Words:
    """Every word the rows print, translated once a page (a translation is
    a walk through the catalogues: too dear for every row), and those
    printed as they are escaped once a page too (`conditional_escape`:
    `format_html` passes what is escaped already as it is, and a row
    printed some ten of them)."""

    def __init__(self):
        self.item = conditional_escape(_("Item"))
        self.type = conditional_escape(_("Type"))
        self.target = conditional_escape(_("Target"))
        self.progress = conditional_escape(_("Progress"))
        self.confidence = _("Confidence")
        self.awaiting = format_html(
            ' <strong class="govuk-tag govuk-tag--yellow">{}</strong>',
            _("Variation awaiting agreement"),
        )
        self.no_lead = conditional_escape(_("No lead officer"))
        self.update = _("Update")
        self.progress_of = _("progress of %(reference)s")
        self.added = _("Added by variation on %(date)s")
        # A format string for `format_html`: the words escaped (braces too).
        self.overdue = (
            '<strong class="govuk-tag govuk-tag--red">{}</strong>'
            '<br><span class="govuk-body-s">'
            + _braces(escape(_("Target was %(target)s"))).replace("%(target)s", "{}")
            + "</span>"
        ).replace("{}", _braces(escape(_("Overdue"))), 1)
        self.today = timezone.localdate()
        self._dates = {None: ""}
        self.up = _("Up")
        self.down = _("Down")
        self.rag = {
            rag.value: format_html(
                '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
                rag.colour,
                rag.label,
            )
            for rag in Rag
        }
        self.delivery = {
            status.value: conditional_escape(status.label) for status in DeliveryStatus
        }
        self.category = {
            category.value: conditional_escape(category.short)
            for category in Confidence
        } | {"": conditional_escape(NOT_STATED)}

    def date(self, day):
        """`day` as "31 March 2027", each date formatted once a page."""
        label = self._dates.get(day)
        if label is None:
            label = self._dates[day] = format_date(day, "j F Y")
        return label


def _row(item, words, *, plan_approved, update, move):
    added = ""
    if item.added_on:
        added = format_html(
            '<br><span class="govuk-body-s">{}</span>',
            words.added % {"date": words.date(item.added_on)},
        )
    lead = ""
    if item.lead_officer_id:
        lead = item.lead_officer.user.get_full_name()
    names = item.department_names or ()
    departments = (" · " + ", ".join(names)) if names else ""
    percent = ""
    if item.percent_complete is not None:
        percent = f"{item.percent_complete}%"
    return format_html(
        ROW,
        item_label=words.item,
        url=item.url,
        reference=item.reference,
        title=item.title,
        awaiting=words.awaiting if plan_approved and not item.is_approved else "",
        added=added,
        lead=lead or words.no_lead,
        departments=departments,
        type_label=words.type,
        category=words.category.get(item.category, item.category),
        target_heading=words.target,
        target=_target(item, words),
        progress_label=words.progress,
        rag=words.rag.get(item.rag, ""),
        percent=percent,
        delivery=words.delivery.get(item.delivery_status, item.delivery_status),
        update=update(item),
        move=move(item),
    )


def item_tables(items, *, request, workplan, can_update_progress, can_edit, here):
    """The page's rows as tables by section, or the "no items" sentence."""
    words = _Words()
    plan_approved = workplan.is_approved
    here_quoted = quote(here)

    def update(item):
        if not can_update_progress:
            return ""
        return format_html(
            UPDATE,
            item.progress_url,
            here_quoted,
            words.update,
            words.progress_of % {"reference": item.reference},
        )

    token = get_token(request) if can_edit else ""

    def move(item):
        if not can_edit:
            return ""
        return format_html(
            MOVE,
            action=item.move_url,
            token=token,
            here=here,
            up=words.up,
            down=words.down,
            reference=item.reference,
        )

    sections, current, rows = [], object(), []
    for item in items:
        section = item.section
        if section != current:
            if rows:
                sections.append((current, rows))
            current, rows = section, []
        rows.append(
            _row(item, words, plan_approved=plan_approved, update=update, move=move)
        )
    if rows:
        sections.append((current, rows))
    if not sections:
        return format_html(
            '<p class="govuk-body">{}</p>', _("No items match these filters.")
        )
    return format_html_join(
        "    ",
        "{}{}" + TABLE_END,
        (
            (
                format_html(
                    TABLE_START,
                    getattr(section, "title", "") or _("No theme"),
                    words.item,
                    words.confidence,
                    words.target,
                    words.progress,
                ),
                format_html_join("", "{}", ((row,) for row in rows)),
            )
            for section, rows in sections
        ),
    )
