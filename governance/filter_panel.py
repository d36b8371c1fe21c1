"""A list's filter form, rendered once per state and kept in memory.

A list page's filter panel is a dozen fields and some sixty options, each
drawn through the GOV.UK field template: about a third of the workplan
page's rendering, the same on every request. `rendered_filter_form(form)`
renders it once for each state and keeps the HTML in this process:

- the key is everything the form prints: its class, the language, every
  field's choices (value and label; a model choice field's are read from
  the database, one query each as before, and rendered from that list, so
  the options cannot be stale), and the value each field's widget reads
  from the query string (junk parameters the form does not read do not
  make new entries). Errors follow from those values and choices, so a
  change of theme, department or officer name simply makes a new key;
- a page that knows a key for its form's choices can give it as
  `form.choices_key` (the workplan page gives its council's data mark,
  which moves whenever a theme, department or person does, and the
  workplan; the other choices are the code's, which a release changes
  with the process): the choices are then not read at all when the form
  is kept, and read in one plain query each when it is drawn (not through
  the widget's server-side cursor, three round trips each);
- at most `MAX_ENTRIES` forms are kept, the least recently used dropped;
- with `DEBUG` on nothing is kept (templates change under `runserver`).
"""

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.forms import ChoiceField, ModelChoiceField
from django.utils import translation

MAX_ENTRIES = 500

_kept = OrderedDict()
_lock = threading.Lock()


def _model_choices(field):
    """A model choice field's choices as its iterator yields them (django-
    filter's "null" choice included), from one plain query: the iterator
    reads through a server-side cursor (DECLARE, FETCH, CLOSE: three round
    trips), and `list()` of it asks for a COUNT first."""
    choices = []
    if field.empty_label is not None:
        choices.append(("", field.empty_label))
    if getattr(field, "null_label", None) is not None:
        choices.append((field.null_value, field.null_label))
    iterator = field.iterator(field)
    choices.extend(iterator.choice(obj) for obj in field.queryset)
    return choices


def _key(form):
    parts = [type(form).__module__, type(form).__qualname__, translation.get_language()]
    choices_key = getattr(form, "choices_key", None)
    if choices_key is not None:
        parts.append(choices_key)
    for name, field in form.fields.items():
        parts.append(name)
        if choices_key is not None:
            pass  # the choices are named by `choices_key`, not read
        elif isinstance(field, ModelChoiceField):
            # Read once here and drawn from this list, not asked again.
            # (Django's own setter: django-filter's would wrap the list in a
            # queryset iterator.)
            ChoiceField.choices.fset(field, _model_choices(field))
            parts.append([(str(v), str(label)) for v, label in field.choices])
        else:
            choices = getattr(field, "choices", ())
            parts.append([(str(v), str(label)) for v, label in choices])
        if form.is_bound:
            parts.append(
                field.widget.value_from_datadict(
                    form.data, form.files, form.add_prefix(name)
                )
            )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def rendered_filter_form(form):
    """`str(form)`, from memory when this state of the form was drawn before."""
    if settings.DEBUG:
        return str(form)
    key = _key(form)
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    for field in form.fields.values():
        if isinstance(field, ModelChoiceField) and not hasattr(field, "_choices"):
            # Named by `choices_key`, so not read for the key: read now in
            # one plain query, not through the widget's server-side cursor.
            ChoiceField.choices.fset(field, _model_choices(field))
    html = str(form)
    with _lock:
        _kept[key] = html
        while len(_kept) > MAX_ENTRIES:
            _kept.popitem(last=False)
    return html


def forget():
    """Drop every kept form (for tests)."""
    with _lock:
        _kept.clear()
