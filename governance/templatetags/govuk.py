"""Template tags for GOV.UK components that need a little Python."""

import functools
import html
from datetime import date

from django import template
from django.forms.formsets import BaseFormSet
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from governance import numbering
from governance.filter_panel import rendered_filter_form

register = template.Library()


def _form_errors(form):
    entries = []
    visible = [field for field in form if not field.is_hidden]
    first = visible[0].govuk_error_target if visible else ""
    for error in form.non_field_errors():
        entries.append({"text": error, "target": first})
    for field in form:
        for error in field.errors:
            target = "" if field.is_hidden else field.govuk_error_target
            entries.append({"text": error, "target": target})
    return entries


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms):
    """The GOV.UK error summary for any number of forms and formsets.

    `{% error_summary form %}` or `{% error_summary form recommendations %}`;
    renders nothing when none has errors. Put it above the page's <h1>.
    """
    entries = []
    for item in forms:
        if item is None or item == "":
            continue
        if isinstance(item, BaseFormSet):
            for error in item.non_form_errors():
                entries.append({"text": error, "target": ""})
            for form in item.forms:
                # A row the person removed is not saved: its errors do not count.
                if form.errors and item.can_delete and item._should_delete_form(form):
                    continue
                entries.extend(_form_errors(form))
        else:
            entries.extend(_form_errors(item))
    return {"entries": entries}


@register.simple_tag
def status_tag(choice):
    """A GOV.UK tag for a TextChoices member with a `colour` property
    (GOV.UK Frontend 6: grey, green, turquoise, teal, purple, magenta, pink,
    red, orange, yellow; none for the default blue). Written here rather
    than through a template: every row of every list prints one."""
    colour = getattr(choice, "colour", "")
    return format_html(
        '\n<strong class="govuk-tag{}">{}</strong>\n',
        format_html(" govuk-tag--{}", colour) if colour else "",
        choice.label,
    )


@functools.lru_cache(maxsize=4096)
def _day(value, format_string, language):
    return date_format(value, format_string)


@register.filter
def day(value, format_string):
    """`{{ value|day:"j M Y" }}`: Django's `date` filter, each day formatted
    once per format and language in this process (a list prints a date on
    every row, and month names are a walk through the translations)."""
    if type(value) is not date:
        return date_filter(value, format_string)
    return _day(value, format_string, translation.get_language())


@register.filter
def list_label(place, style=numbering.ListNumbering.NUMBERS):
    """Row `place` of a numbered list as the council writes it: "1." or "(a)".

    `{{ forloop.counter|list_label:numbering }}`."""
    return numbering.list_label(int(place), style)


_DIFF_PIECES = {
    "removed": '<del class="app-diff__removed"><span class="govuk-visually-hidden">'
    "removed: </span>{}</del>",
    "added": '<ins class="app-diff__added"><span class="govuk-visually-hidden">'
    "added: </span>{}</ins>",
    "skipped": '<span class="app-diff__skipped"><span aria-hidden="true">[…]</span>'
    '<span class="govuk-visually-hidden">({})</span></span>',
    "same": "{}",
}


@register.filter
def diff_pieces(diff):
    """A word diff's pieces as HTML, each text escaped: the inside of
    `components/word_diff.html`, built here in one pass (a template loop over
    the pieces of fifty long diffs took most of a history page's time)."""
    # `html.escape` as Django's `escape` does it, without its lazy-text
    # wrapper per piece (thousands of pieces on a long history page).
    pieces = (
        _DIFF_PIECES[kind].format(html.escape(str(text))) for kind, text in diff or []
    )
    return mark_safe("".join(pieces))  # noqa: S308 - each piece's text is escaped


@register.simple_tag(takes_context=True)
def url_of(context, record):
    """The address of `record`'s page on the site being drawn: the public
    site's (the page puts its `url_of` function in the context) or, by
    default, the record's own page behind sign-in. Lets one include draw a
    record's body on both."""
    public = context.get("url_of")
    if public is not None:
        return public(record)
    return record.get_absolute_url()


@register.simple_tag
def filter_form(form):
    """A list's filter form, kept per state (`governance/filter_panel.py`)."""
    return rendered_filter_form(form)
