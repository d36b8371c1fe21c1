"""Creates that happen once, however often the form is sent.

Every page that creates a record (a strategy, a theme, a meeting, a closure
period, an import...) is a `CreateOnceMixin` view. Its form carries a hidden
one-time token (`submission_token`, a UUID issued when the form is shown).
Saving claims the token — a `SubmissionToken` row, inserted in the same
transaction as the record, whose unique constraint is the guard — and notes
the record made and the page the save led to. So a form sent again (back and
save, a second tab, a retry, a double click that got through, the same form
posted twice at the same instant) finds its token claimed and is shown the
record it already made, with "This was already saved", instead of making a
second one. Two identical posts at once serialise on the token's unique
index: the second waits for the first to commit, then finds its claim.

A browser's Back often fetches the form page anew, with a new token, and
puts back what the person typed; so a form whose content (the page and every
posted field, tokens aside) is the same as one this person saved in the last
`SAME_CONTENT_FOR` is answered the same way, if its record is still there.
Such posts serialise on an advisory lock on the content's digest.

A save that breaks one of the record's unique constraints because someone
else saved at the same moment (two themes given the same position, two
items given one reference, overlapping closure days) is rolled back, token
and all, and the form comes back with a GOV.UK error summary saying what
clashed (`collision_message`), never a 500.

A post with no token at all (a script, or a page loaded before tokens were
issued) is refused, never saved unguarded: the form comes back (400) with
the person's text, a sentence saying why and a fresh token, so saving again
is a deliberate choice. (A press of an "add another" list's own button, which
saves nothing, is shown as ever.) Claims older than `KEPT_FOR` are purged as
new ones are written.
"""

import hashlib
import json
import uuid
from datetime import timedelta

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy

#: The hidden field every create form carries.
FIELD = "submission_token"
#: How long a claim is kept: a form sent again later than this is saved again.
KEPT_FOR = timedelta(days=1)
#: A form with a new token but the very content this person saved on the same
#: page this recently is the same form sent again: a browser's Back often
#: fetches the form anew (a new token) and puts back what was typed in it.
SAME_CONTENT_FOR = timedelta(minutes=10)
#: The unique constraint that makes a token claimable once.
TOKEN_CONSTRAINT = "submission_token_claimed_once"  # noqa: S105 (a name)

#: Why a create form sent without its token was not saved.
NO_TOKEN = gettext_lazy(
    "This form could not be checked against being sent twice (it carried no "
    "one-time code). Nothing has been saved: your text is still in the form; "
    "check it and save again."
)

ALREADY_SAVED = gettext_lazy(
    "This was already saved. The form was sent more than once; nothing new was added."
)


class SubmissionToken(models.Model):
    """A create form's one-time token, claimed by the save that used it.

    Written in the same transaction as the record it made (the content type
    and id) and with the address the save led to (`url`), so a form sent
    again is shown that record. Not a governed record: no history.
    """

    token = models.UUIDField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    #: Where the first save led (the record's page, or its list).
    url = models.CharField(max_length=500, blank=True)
    #: SHA-256 of the page and what was posted, token aside (`content_digest`).
    digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        app_label = "governance"
        constraints = [
            models.UniqueConstraint(fields=["token"], name=TOKEN_CONSTRAINT),
        ]
        indexes = [
            models.Index(fields=["user", "digest"], name="submission_token_content"),
        ]

    def __str__(self):
        return str(self.token)

    def record_exists(self):
        """Whether the record it made is still there (True if none noted)."""
        if self.content_type_id is None:
            return True
        model = self.content_type.model_class()
        return model is not None and (
            model._base_manager.filter(pk=self.object_id).exists()
        )

    @classmethod
    def purge(cls, older_than=KEPT_FOR, batch=500):
        """Delete claims older than `older_than`, at most `batch` at a time,
        skipping rows another transaction holds (so two purges never wait on
        each other); returns how many went."""
        cutoff = timezone.now() - older_than
        with transaction.atomic():
            stale = (
                cls.objects.filter(created_at__lt=cutoff)
                .select_for_update(skip_locked=True)
                .values("pk")[:batch]
            )
            deleted, _rows = cls.objects.filter(pk__in=stale).delete()
        return deleted


class SubmissionTokenField(forms.UUIDField):
    """The hidden one-time token (optional: see the module's docstring)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": gettext_lazy(
                    "This form could not be checked. Open the page again and "
                    "re-enter your changes."
                )
            },
        )
        super().__init__(**kwargs)


def posted_token(data):
    """The token in posted `data`, or None if there is none or it is not one."""
    try:
        return uuid.UUID(str(data.get(FIELD, "")))
    except ValueError:
        return None


def content_digest(request):
    """What identifies a form's content: the page and the posted fields and
    files, less the one-time and CSRF tokens."""
    fields = sorted(
        (name, value)
        for name, values in request.POST.lists()
        if name not in (FIELD, "csrfmiddlewaretoken")
        for value in values
    )
    files = sorted(
        (name, upload.name, upload.size)
        for name, uploads in request.FILES.lists()
        for upload in uploads
    )
    payload = json.dumps([request.path, fields, files], default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def constraint_of(error):
    """The name of the constraint an `IntegrityError` broke, or ""."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


#: What a clash on each unique constraint a create form can meet means to the
#: person, where the constraint's own message would not say it.
COLLISIONS = {
    "theme_position_unique_per_strategy": gettext_lazy(
        "Someone else added a theme to this strategy at the same moment. Nothing "
        "was saved: save again to add yours after theirs."
    ),
    "objective_position_unique_per_theme": gettext_lazy(
        "Someone else added an objective to this theme at the same moment. "
        "Nothing was saved: save again to add yours after theirs."
    ),
    "workplan_item_reference_unique": gettext_lazy(
        "Someone else added an item with this reference at the same moment. "
        "Nothing was saved: choose another reference."
    ),
    "workplan_one_per_strategy_and_year": gettext_lazy(
        "Someone else started a workplan for this strategy and year at the same "
        "moment. Nothing was saved: open the workplan list to find theirs."
    ),
    "closure_day_once_per_date": gettext_lazy(
        "Someone else added a closure day on one of these dates at the same "
        "moment. Nothing was saved: check the council's closure days and try "
        "again."
    ),
    "bank_holiday_worked_once_per_date": gettext_lazy(
        "Someone else marked this bank holiday as a working day at the same "
        "moment. Nothing was saved."
    ),
    "call_in_rule_one_per_start_date": gettext_lazy(
        "Someone else added a call-in rule starting on this date at the same "
        "moment. Nothing was saved: choose another date."
    ),
    "committee_name_unique_per_organisation": gettext_lazy(
        "Someone else added a committee with this name at the same moment. "
        "Nothing was saved: choose another name."
    ),
    "department_name_unique": gettext_lazy(
        "Someone else added a department with this name at the same moment. "
        "Nothing was saved: choose another name."
    ),
}
GENERIC_COLLISION = gettext_lazy(
    "Someone else saved something that clashes with this at the same moment. "
    "Nothing was saved: check the form and save again."
)


def collision_message(name):
    """What to tell the person whose save broke constraint `name`: our own
    sentence, else the constraint's own `violation_error_message`, else a
    general one."""
    if name in COLLISIONS:
        return str(COLLISIONS[name])
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name and constraint.violation_error_message not in (
                None,
                constraint.default_violation_error_message,
            ):
                return constraint.get_violation_error_message()
    return str(GENERIC_COLLISION)


class Collision(Exception):
    """A save broke a unique constraint; `message` says what clashed.
    `fresh_token`: the form's token is someone else's, so it needs a new one."""

    def __init__(self, message, fresh_token=False):
        self.message = message
        self.fresh_token = fresh_token
        super().__init__(message)


class CreateOnceMixin:
    """A page that creates records, at most once per form it showed.

    Put it first among the view's bases. For a `FormView` or `CreateView`
    it adds the hidden token to the form (`get_form`), answers a form sent
    again with `already_saved` and runs the rest of the post — validation
    and the view's own `form_valid` — inside `save_once` (`post`). A view
    with its own `post` (the importer) calls `issue_token`, `earlier_claim`
    and `save_once` itself.
    """

    #: The record the save made, for views whose form is not a model form
    #: (set it in `form_valid`); otherwise the form's saved instance.
    created_record = None
    #: The form as posted (set by `get_form`).
    submitted_form = None

    # --- hooks ---------------------------------------------------------------

    def get_created_record(self):
        """The record this request made, to note on its token."""
        if self.created_record is not None:
            return self.created_record
        instance = getattr(self.submitted_form, "instance", None)
        if isinstance(instance, models.Model) and instance.pk is not None:
            return instance
        return None

    def already_saved(self, claim):
        """The answer to a form sent again: the page its first save led to,
        with the "already saved" notification."""
        messages.info(self.request, ALREADY_SAVED)
        return redirect(claim.url or "governance:home")

    # --- the token -----------------------------------------------------------

    @staticmethod
    def issue_token():
        return uuid.uuid4()

    def earlier_claim(self):
        """The claim of the posted token by this person, if it was used."""
        token = posted_token(self.request.POST)
        if token is None:
            return None
        user = self.request.user
        return SubmissionToken.objects.filter(
            token=token, user=user if user.is_authenticated else None
        ).first()

    def same_content_claim(self, digest, but=None):
        """This person's recent claim of a form with the same content on the
        same page (`SAME_CONTENT_FOR`) whose record is still there, if any."""
        user = self.request.user
        if not user.is_authenticated:
            return None
        claims = SubmissionToken.objects.filter(
            user=user,
            digest=digest,
            created_at__gte=timezone.now() - SAME_CONTENT_FOR,
        ).exclude(pk=getattr(but, "pk", None))
        claim = claims.select_related("content_type").order_by("-created_at").first()
        return claim if claim is not None and claim.record_exists() else None

    def save_once(self, token, save):
        """Call `save()` (which returns the response) in one transaction with
        the claim of `token`. A redirect is success: the claim is kept with
        the record made and where it led. Anything else (the form shown
        again) rolls everything back, claim included. A token already
        claimed (the same form posted at the same instant) answers
        `already_saved`; any other broken unique constraint raises
        `Collision`, nothing saved."""
        user = self.request.user if self.request.user.is_authenticated else None
        digest = content_digest(self.request)
        storage = messages.get_messages(self.request)
        queued = len(getattr(storage, "_queued_messages", []))
        try:
            with transaction.atomic():
                # Waits here while another request holds the same token.
                claim = SubmissionToken.objects.create(
                    token=token, user=user, digest=digest
                )
                # And here while one with the same content is being saved;
                # then answers as it was saved, if it was.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s)", [int(digest[:15], 16)]
                    )
                same = self.same_content_claim(digest, but=claim)
                if same is not None:
                    transaction.set_rollback(True)
                    return self.already_saved(same)
                response = save()
                if not 300 <= response.status_code < 400:
                    transaction.set_rollback(True)
                    return response
                record = self.get_created_record()
                if record is not None:
                    claim.content_type = ContentType.objects.get_for_model(record)
                    claim.object_id = record.pk
                claim.url = response.get("Location", "")[:500]
                claim.save(update_fields=["content_type", "object_id", "url"])
        except IntegrityError as error:
            # Whatever the save said it did, it did not happen. (Django's
            # storage keeps messages not yet sent in `_queued_messages`.)
            if hasattr(storage, "_queued_messages"):
                del storage._queued_messages[queued:]
            name = constraint_of(error)
            if name == TOKEN_CONSTRAINT:
                claim = self.earlier_claim()
                if claim is not None:
                    return self.already_saved(claim)
                raise Collision(GENERIC_COLLISION, fresh_token=True) from error
            raise Collision(collision_message(name)) from error
        SubmissionToken.purge()
        return response

    # --- FormView and CreateView ---------------------------------------------

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields[FIELD] = SubmissionTokenField()
        if not form.is_bound:
            form.initial[FIELD] = self.issue_token()
        elif self.submitted_form is None:
            self.submitted_form = form
        return form

    def dispatch(self, request, *args, **kwargs):
        """A form sent again is answered before anything else is asked (its
        first save may have changed what the page allows: a strategy's
        replacement, once prepared, cannot be prepared again). Only the
        person's own claim is found, and the page it leads to checks access
        as ever."""
        if request.method == "POST" and posted_token(request.POST) is not None:
            claim = self.earlier_claim() or self.same_content_claim(
                content_digest(request)
            )
            if claim is not None:
                return self.already_saved(claim)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Validate and save the form (the view's own `post`, `form_valid`...)
        in `save_once`, so two identical posts wait for each other from the
        start."""
        from .ordered_lists import list_button_pressed

        token = posted_token(request.POST)
        if token is None:
            missing = not request.POST.get(FIELD, "").strip()
            if missing and not list_button_pressed(request.POST):
                return self.refuse_without_token()
            # (An invalid token is the form's own error; a list's button
            # saves nothing.)
            return super().post(request, *args, **kwargs)
        save = super().post
        try:
            return self.save_once(token, lambda: save(request, *args, **kwargs))
        except Collision as collision:
            # (A clash on the token itself comes before the view's own post.)
            self.object = getattr(self, "object", None)
            form = self.submitted_form or self.get_form()
            if collision.fresh_token:
                form.data = form.data.copy()
                form.data[FIELD] = str(self.issue_token())
            form.add_error(None, collision.message)
            response = self.form_invalid(form)
            response.status_code = 409
            return response

    def refuse_without_token(self):
        """The form again, nothing saved, with why and a fresh token (400)."""
        self.object = getattr(self, "object", None)
        form = self.get_form()
        form.data = form.data.copy()
        form.data[FIELD] = str(self.issue_token())
        form.add_error(None, NO_TOKEN)
        response = self.form_invalid(form)
        response.status_code = 400
        return response
