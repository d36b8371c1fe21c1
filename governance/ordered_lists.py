"""Lists edited the GOV.UK "add another" way: recommendations, resolutions,
agenda items, risks, objectives.

One formset base (`AddAnotherFormSet`), one template partial
(`components/add_another.html`), one script (`static/js/add-another.js`)
and one view mixin (`AddAnotherViewMixin`):

- A list shows its saved rows and, only when it is empty, one blank row.
  Rows that were never saved have no "Delete" box: left blank, they add
  nothing.
- Without JavaScript, the list's own buttons post the form: "Add another"
  shows the page again with one more blank row; "Remove" takes a row off
  the page; "Move up"/"Move down" swap it with its neighbour. Nothing is
  saved and nothing typed is lost until the page's own save button is
  pressed, and no error is shown for a half-typed row.
- With JavaScript the same buttons work in place: a new row is added from
  the formset's empty form and focus moves to its first field.
- The order travels in a hidden ORDER field and removal in a hidden DELETE
  field (Django's own `can_order` and `can_delete`). Numbers are assigned
  from the order when the list is saved (`save_list`): 1, 2, 3 with no gaps.

`initial=` works as in Django: rows pre-filled that way are shown (as many
as given) and, when posted, are saved even if left as they were.
"""

from django import forms
from django.db import transaction
from django.forms.utils import ErrorDict, ErrorList
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic.edit import BaseCreateView

from .error_messages import GovukFormSetMixin
from .history import delete_with_reason, save_formset_with_reason, save_with_reason
from .numbering import ListNumbering, list_number

#: The names of the list's own buttons, after the formset's prefix.
ADD, REMOVE, MOVE = "ADD", "REMOVE", "MOVE"


def truthy(value):
    """A posted hidden boolean ("on", "True", "False", "") as a bool."""
    return forms.BooleanField(required=False).to_python(value)


class PlaceField(forms.IntegerField):
    """The hidden ORDER field: a row's place in the list. Moving a row
    does not make it "typed in", so a blank new row moved or re-placed is
    still left out rather than refused as incomplete."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class Row:
    """One row as the partial draws it: its form, its place and label."""

    def __init__(self, form, index, place, label, *, removed=False, last=False):
        self.form = form
        self.index = index
        self.place = place
        self.label = label
        self.removed = removed
        self.first = place == 1
        self.last = last


class GoneRowsMixin:
    """For an inline formset of saved rows: a posted row whose row is no
    longer there (someone else removed it after the page was loaded) is
    kept as a new row rather than being a hidden-id error, and the formset
    notes it (`rows_gone`), so the page's guard
    (`governance.mixins.VersionedUpdateMixin`) answers with the conflict
    page, the person's text kept. Saving again from there adds the row
    back: a deliberate choice. An id naming a row of another list (or
    council) is still an error, never a row copied into this list."""

    #: How many posted rows named rows no longer there.
    rows_gone = 0

    def take_gone_rows_as_new(self):
        """Rewrite the posted data (a mutable copy) before any form is
        built: rows gone move after the saved ones, as new rows."""
        data, prefix = self.data, self.prefix
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
            initial = int(data.get(f"{prefix}-INITIAL_FORMS", ""))
        except ValueError:
            return
        total = min(total, self.absolute_max)
        initial = min(initial, total)
        if initial <= 0:
            return
        pk_name = self.model._meta.pk.name
        posted = {i: data.get(f"{prefix}-{i}-{pk_name}", "") for i in range(initial)}
        here = {str(row.pk) for row in self.get_queryset()}
        missing = {i: pk for i, pk in posted.items() if pk not in here and pk.isdigit()}
        if not missing:
            return
        elsewhere = {
            str(pk)
            for pk in self.model._base_manager.filter(
                pk__in=[int(pk) for pk in missing.values()]
            ).values_list("pk", flat=True)
        }
        gone = [i for i, pk in missing.items() if pk not in elsewhere]
        if not gone:
            return
        self.rows_gone = len(gone)
        # Rows the person removed too need nothing more.
        back = [i for i in gone if not truthy(data.get(f"{prefix}-{i}-DELETE"))]
        order = [i for i in range(initial) if i not in gone] + back
        order += list(range(initial, total))
        rows = {}
        for i in range(total):
            head = f"{prefix}-{i}-"
            rows[i] = {
                key[len(head) :]: data.getlist(key)
                for key in list(data)
                if key.startswith(head)
            }
            for key in [key for key in data if key.startswith(head)]:
                del data[key]
        for new, old in enumerate(order):
            fields = rows[old]
            if old in gone:
                fields[pk_name] = [""]
            for name, values in fields.items():
                data.setlist(f"{prefix}-{new}-{name}", values)
        data[f"{prefix}-INITIAL_FORMS"] = str(initial - len(gone))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(order))


class AddAnotherFormSet(GovukFormSetMixin, GoneRowsMixin, forms.BaseInlineFormSet):
    """An inline formset shown as an "add another" list (see the module).

    Subclasses (made with `inlineformset_factory(..., formset=...,
    can_delete=True, can_order=True, extra=0)`) set `noun`. `ordered`
    says whether rows have a `position` assigned from the order (risks,
    for example, are kept in the order they were added and are not moved).
    `numbering` is how row numbers are written in the legends (the
    council's style, see `governance.numbering`); views pass it.
    """

    noun = _("item")
    ordered = True
    position_field = "position"
    deletion_widget = forms.HiddenInput
    ordering_widget = forms.HiddenInput

    def __init__(self, data=None, *args, numbering=ListNumbering.NUMBERS, **kwargs):
        if data is not None:
            data = data.copy()
        super().__init__(data, *args, **kwargs)
        self.numbering = numbering
        self.action = None
        if self.is_bound:
            # Bound rows are compared with blank, so a pre-filled row left
            # as it was still counts as typed and is saved.
            self.initial_extra = None
            self.action = self._apply_action()
            self.take_gone_rows_as_new()
        else:
            given = len(self.initial_extra or [])
            self.extra = given or (0 if self.initial_form_count() else 1)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django lets a row name any row of the model by its id; here only
        # the list's own rows (another list's, or another council's, is an
        # error, never a new row saved beside the old one).
        pk = form.fields.get(self._pk_field.name)
        if isinstance(pk, forms.ModelChoiceField):
            pk.queryset = self.get_queryset()
        if self.can_order:
            form.fields["ORDER"] = PlaceField(
                required=False, initial=None if index is None else index + 1
            )

    # --- the list's own buttons (without JavaScript) ---------------------

    def _key(self, *parts):
        return "-".join([self.prefix, *map(str, parts)])

    def _apply_action(self):
        """Apply a press of Add another, Remove or Move to the posted data
        (before any form is built from it) and say which it was."""
        data = self.data
        try:
            total = int(data.get(self._key("TOTAL_FORMS"), ""))
        except ValueError:
            return None
        total = min(total, self.absolute_max)
        if self._key(ADD) in data:
            data[self._key(total, "ORDER")] = str(len(self._places(total)) + 1)
            data[self._key("TOTAL_FORMS")] = str(total + 1)
            return ADD
        if self._key(REMOVE) in data:
            index = data.get(self._key(REMOVE), "")
            if index.isdigit() and int(index) < total:
                data[self._key(index, "DELETE")] = "on"
            return REMOVE
        if self._key(MOVE) in data:
            index, _dash, direction = data.get(self._key(MOVE), "").partition("-")
            order = self._places(total)
            if index.isdigit() and int(index) in order:
                here = order.index(int(index))
                there = here + (-1 if direction == "up" else 1)
                if direction in ("up", "down") and 0 <= there < len(order):
                    order[here], order[there] = order[there], order[here]
            for place, row in enumerate(order, start=1):
                data[self._key(row, "ORDER")] = str(place)
            return MOVE
        return None

    def _places(self, total):
        """Indexes of the rows not removed, in the order posted."""

        def place(index):
            value = self.data.get(self._key(index, "ORDER"), "")
            return (0, int(value), index) if value.isdigit() else (1, 0, index)

        kept = [
            index
            for index in range(total)
            if not truthy(self.data.get(self._key(index, "DELETE")))
        ]
        return sorted(kept, key=place)

    def quieten(self):
        """Show the posted rows again without checking them: after a press
        of the list's own buttons a half-typed row is not an error."""
        for form in self.forms:
            form._errors = ErrorDict()
        self._errors = [form._errors for form in self.forms]
        self._non_form_errors = ErrorList()

    # --- drawing ----------------------------------------------------------

    @cached_property
    def rows(self):
        """`Row`s in the order shown; removed rows last (drawn hidden, so
        that their removal is posted with the page)."""
        total = len(self.forms)
        shown = self._places(total) if self.is_bound else list(range(total))
        removed = [index for index in range(total) if index not in shown]
        rows = []
        for place, index in enumerate(shown, start=1):
            label = list_number(place, self.numbering)
            last = place == len(shown)
            rows.append(Row(self.forms[index], index, place, label, last=last))
        rows += [
            Row(self.forms[index], index, 0, "", removed=True) for index in removed
        ]
        return rows

    @property
    def removed_count(self):
        return sum(1 for row in self.rows if row.removed and row.form.instance.pk)

    # --- saving -----------------------------------------------------------

    def ordered_rows(self):
        """The valid rows to keep, in their new order."""
        if self.ordered:
            return self.ordered_forms
        return [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and (form.instance.pk or form.has_changed())
        ]


class GoneRowsFormSet(GoneRowsMixin, forms.BaseInlineFormSet):
    """A plain inline formset of saved rows with `GoneRowsMixin`."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
        super().__init__(data, *args, **kwargs)
        if self.is_bound:
            self.take_gone_rows_as_new()


def save_list(formset, parent, *, user, reason):
    """Save a valid `AddAnotherFormSet`: removed rows deleted, new and
    changed rows saved, each numbered by its place (1, 2, 3…) where the
    list is ordered, every write with its history. Unchanged rows in their
    old place are not rewritten."""
    if not formset.ordered:
        save_formset_with_reason(formset, parent, user=user, reason=reason)
        return
    field = formset.position_field
    with transaction.atomic():
        for form in formset.deleted_forms:
            if form.instance.pk:
                delete_with_reason(form.instance, user=user, reason=reason)
        for place, form in enumerate(formset.ordered_rows(), start=1):
            row = form.instance
            if form.has_changed() or getattr(row, field) != place or row.pk is None:
                row = form.save(commit=False)
                setattr(row, field, place)
                setattr(row, formset.fk.name, parent)
                save_with_reason(row, user=user, reason=reason)


def list_button_pressed(data):
    """Whether a post came from a list's own button rather than the page's
    save button."""
    return any(key.rsplit("-", 1)[-1] in (ADD, REMOVE, MOVE) for key in data)


class AddAnotherViewMixin:
    """For a page whose form includes an add-another list.

    A post from one of the list's own buttons (Add another, Remove, Move)
    shows the page again from the posted data, with no error messages and
    nothing saved; any other post goes on to the view's own `post()`. The
    view's `get_context_data()` must build its forms and formsets from
    `request.POST` when the method is POST, as Django's edit views do.
    """

    def post(self, request, *args, **kwargs):
        if not list_button_pressed(request.POST):
            return super().post(request, *args, **kwargs)
        if isinstance(self, BaseCreateView):
            self.object = None
        else:
            self.object = self.get_object()
        extra = {"form": self.get_form()} if hasattr(self, "get_form") else {}
        context = self.get_context_data(**extra)
        for item in context.values():
            if isinstance(item, AddAnotherFormSet):
                item.quieten()
            elif isinstance(item, forms.BaseForm):
                item._errors = ErrorDict()
        return self.render_to_response(context)
