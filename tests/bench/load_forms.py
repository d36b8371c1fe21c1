"""Forms read and posted back as a browser does, for the mixed-load
benchmark's simulated people (`locustfile.py`): standard library only, so
the tests can check them against the real pages without importing Locust
(which patches the standard library as it is imported)."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The successful controls of each <form> on a page: (attributes of the
    form, [(name, value), ...]). Controls inside <template> (a formset's
    empty row) are not submitted, as in a browser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.template_depth = 0
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        if tag == "form":
            self.form = (a, [])
            self.forms.append(self.form)
            return
        if tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in a:
                self.select["chosen"] = value
            return
        if self.form is None or not a.get("name") or "disabled" in a:
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            default = "on" if kind == "checkbox" else ""
            self.form[1].append((name, a.get("value", default)))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = {"name": name, "first": None, "chosen": None}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth = max(0, self.template_depth - 1)
        if self.template_depth or self.form is None:
            return
        if tag == "textarea" and self.textarea is not None:
            # A browser drops the newline that starts a textarea's text.
            name, text = self.textarea
            self.form[1].append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            value = chosen if chosen is not None else self.select["first"]
            if value is not None:
                self.form[1].append((self.select["name"], value))
            self.select = None
        elif tag == "form":
            self.form = None


def page_form(html):
    """The fields of the page's own form: the POST form without an action
    (the header's sign-out and follow forms have one)."""
    reader = FormReader()
    reader.feed(html)
    for attrs, fields in reader.forms:
        if attrs.get("method", "").lower() == "post" and not attrs.get("action"):
            return fields
    return None


def changed(fields, updates):
    """`fields` with each name in `updates` given its new value (one value
    per name; a name not on the form is added)."""
    out, done = [], set()
    for name, value in fields:
        if name in updates:
            if name in done:
                continue
            done.add(name)
            value = updates[name]
        out.append((name, value))
    out += [(name, value) for name, value in updates.items() if name not in done]
    return out


def progress_given(fields, percent, step):
    """An officer's changes to a progress form (the item's own, or a review's
    update of it): a new percentage and a note; the RAG and the commentary
    a review's first update asks for, when the form has them empty."""
    present = dict(fields)
    updates = {"percent_complete": str(percent)}
    if "note" in present:
        updates["note"] = f"Load test note {step}."
    if "commentary" in present:
        updates["commentary"] = f"Load test commentary {step}."
    if "rag" in present and not present["rag"]:
        updates["rag"] = "green"
    elif "rag" not in present:
        updates["rag"] = "green"  # radios none checked: a review's first update
    return updates
