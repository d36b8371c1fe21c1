"""Notifications with context: people follow records and are told what changed.

A person follows a strategy, a workplan, an item, a committee, or their whole
council (`Follow`, in one council, with a frequency: each change by e-mail
as it happens, or a daily or weekly digest).

Three steps, each on its own table:

1. *Recording.* The shared points where things change call `record_change()`
   in the same transaction as the change: a status step of any record
   (`events.record_event`), an item's RAG status or target date
   (`workplan.notices`), papers sent for a meeting (`decisions.considered`),
   a review round opened (`workplan.reviews`). Each writes one `Change` row:
   what changed ("Amber → Red"), why (the record's own words), the record,
   the followable records it belongs to (`scopes`: the item, its workplan,
   its strategy; a meeting's committee) and the links to the page and to the
   difference.
2. *Fanning out* (the background worker, `deliver()`): each change not yet
   fanned out becomes one `Notification` per follower who may see the record
   *now* (`visible_to()` of the record's own queryset), at the most frequent
   of their matching follows' frequencies.
3. *Sending* (`deliver()` too): immediate notifications at once, digests once
   a day (yesterday's) or once a week (last week's), each checked again with
   `visible_to()` just before sending: someone who lost their role since is
   sent nothing (the notification is closed as withheld). Every message has a
   one-click unsubscribe link (`unsubscribe_token`, RFC 8058 headers).

Reminders (`send_reminders()`): a week before and on the day an open review's
updates are due, each lead officer is sent the items of theirs with no update
yet (once per review, item and kind: `workplan.reminders.ReminderSent`);
on its review date, each clerk is sent the exempt information due for review
(`decisions.exempt.reminders_due`, once per review date).

E-mails never carry record text the recipient may not read: only a record
they can see now is named, and only its own fields.
"""

import logging
import secrets
import smtplib
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Straight away, one e-mail for each change")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")


#: From most to least frequent: a person following a record two ways (its
#: workplan and the whole council) hears at the more frequent.
_ORDER = [Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY]

#: The kinds of record a person may follow, by the word in their address.
FOLLOWABLE = {
    "strategy": "strategy.Strategy",
    "workplan": "workplan.Workplan",
    "item": "workplan.WorkplanItem",
    "committee": "decisions.Committee",
}


def followable_model(kind):
    label = FOLLOWABLE.get(kind)
    return apps.get_model(label) if label else None


def kind_of(record):
    for kind, label in FOLLOWABLE.items():
        if record._meta.label == label:
            return kind
    return None


# --- what a person follows ----------------------------------------------------


class Follow(models.Model):
    """A person follows one record of a council, or (no record) the whole
    council, and says how often they want to hear."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency, default=Frequency.IMMEDIATE
    )
    #: Names the follow in its unsubscribe links (signed: `unsubscribe_token`).
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "content_type", "object_id"],
                nulls_distinct=False,
                name="follow_once_per_person_and_record",
            ),
            models.CheckConstraint(
                condition=models.Q(content_type__isnull=True, object_id__isnull=True)
                | models.Q(content_type__isnull=False, object_id__isnull=False),
                name="follow_record_or_whole_council",
            ),
        ]

    def __str__(self):
        return f"{self.user} follows {self.target or self.organisation}"

    @property
    def whole_council(self):
        return self.content_type_id is None


def follow_of(user, organisation, record=None):
    """The person's follow of `record` (None: the whole council), or None."""
    if user is None or not user.is_authenticated or organisation is None:
        return None
    follows = Follow.objects.filter(user=user, organisation=organisation)
    return follows.filter(**_target(record)).first()


def following_expression(user, model, organisation_lookup="organisation"):
    """An expression for a query of `model`'s records: whether `user`
    follows each record (to read it with the record; `follow_of` asks for
    one record apart). False for someone not signed in."""
    if user is None or not user.is_authenticated:
        return Value(False, output_field=BooleanField())
    return Exists(
        Follow.objects.filter(
            user=user,
            organisation=OuterRef(organisation_lookup),
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
        )
    )


def _target(record):
    if record is None:
        return {"content_type__isnull": True, "object_id__isnull": True}
    return {
        "content_type": ContentType.objects.get_for_model(record),
        "object_id": record.pk,
    }


def follow(user, organisation, record=None, frequency=Frequency.IMMEDIATE):
    """Follow `record` (None: the whole council); following again keeps the
    one follow."""
    target = _target(record)
    if record is None:
        fields = {"content_type": None, "object_id": None}
    else:
        fields = target
    follow, _created = Follow.objects.get_or_create(
        user=user,
        organisation=organisation,
        **target,
        defaults={**fields, "frequency": frequency, "nonce": secrets.token_hex(16)},
    )
    return follow


def unfollow(user, organisation, record=None):
    return Follow.objects.filter(
        user=user, organisation=organisation, **_target(record)
    ).delete()[0]


# --- what changed --------------------------------------------------------------


class ChangeKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    RAG = "rag", _("RAG status changed")
    TURNED_RED = "red", _("Turned red")
    TARGET = "target", _("Target date moved")
    DECISION = "decision", _("Decision published")
    PAPERS = "papers", _("Papers published")
    REVIEW = "review", _("Review opened")
    MILESTONE = "milestone", _("Milestone moved")
    OUTCOME = "outcome", _("Call-in outcome recorded")


class Change(models.Model):
    """One change worth telling followers about (the outbox), written in the
    same transaction as the change itself."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    #: The record that changed: a follower is told only if they may see it.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=10, choices=ChangeKind)
    #: The record's name as its page gives it ("WP01 Replace the intranet").
    title = models.CharField(max_length=400)
    #: What changed, in a few words: "Amber → Red", "Target date 1 March 2027
    #: → 30 June 2027".
    summary = models.CharField(max_length=400)
    #: Why, in the record's own words (a RAG reason, a comment).
    reason = models.TextField(blank=True)
    url = models.CharField(max_length=400)
    diff_url = models.CharField(max_length=400, blank=True)
    #: The followable records the change is about: "<content type id>:<pk>".
    scopes = models.JSONField(default=list)
    #: Who made it (not told about their own change).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="change_to_fan_out",
            )
        ]

    def __str__(self):
        return f"{self.title}: {self.summary}"

    @property
    def line(self):
        """ "Amber → Red (the supplier is late)"."""
        return f"{self.summary} ({self.reason})" if self.reason else self.summary


def _scope_key(record):
    return f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"


#: model -> function(record) -> the followable records it belongs to.
_PARENTS = {}


def register_followable_parents(model, function):
    """Say which followable records a change to a `model` record concerns
    (itself included, if it is followable)."""
    _PARENTS[model] = function


def is_watched(record):
    return type(record) in _PARENTS


def record_change(record, kind, summary, *, user=None, reason="", diff_url=""):
    """Write one `Change` for `record` (a no-op for records nobody can follow)."""
    parents = _PARENTS.get(type(record))
    if parents is None:
        return None
    return Change.objects.create(
        organisation_id=record.organisation_id,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        kind=kind,
        title=str(record)[:400],
        summary=str(summary)[:400],
        reason=reason or "",
        url=record.get_absolute_url(),
        diff_url=diff_url or "",
        scopes=[_scope_key(p) for p in parents(record) if p is not None],
        actor=user if user is not None and user.is_authenticated else None,
    )


#: model -> function(event, record) -> (kind, summary, reason, diff_url) or None
_EVENT_DESCRIBERS = {}


def register_event_describer(model, function):
    _EVENT_DESCRIBERS[model] = function


def event_recorded(event, record):
    """A status step (`events.record_event`) of `record`: tell its followers."""
    if not is_watched(record):
        return None
    describe = _EVENT_DESCRIBERS.get(type(record))
    described = describe(event, record) if describe else None
    if described is None:
        if event.from_status == event.to_status:
            summary = event.label
        else:
            summary = f"{event.from_status_label} → {event.to_status_label}"
        described = (ChangeKind.STATUS, summary, event.comment, "")
    kind, summary, reason, diff_url = described
    return record_change(
        record,
        kind,
        summary,
        user=event.recorded_by,
        reason=reason,
        diff_url=diff_url,
    )


# --- who is told ----------------------------------------------------------------


class Notification(models.Model):
    """One change, for one follower: sent alone or in their next digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="+")
    #: The follow that asked for it (its unsubscribe link): the most
    #: frequent one, if several matched.
    follow = models.ForeignKey(
        Follow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: Closed without sending: the recipient could no longer see the record.
    withheld = models.BooleanField(default=False)
    #: When the recipient saw it on their home page or notifications page.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "change"], name="notification_once_per_change"
            )
        ]
        indexes = [
            models.Index(
                fields=["frequency", "created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="notification_to_send",
            ),
            models.Index(fields=["recipient", "organisation", "created_at"]),
        ]

    def __str__(self):
        return f"To {self.recipient}: {self.change}"


class ReminderOptOut(models.Model):
    """A person who asked (by the link in a reminder) for no more reminders
    from one council."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="reminder_opt_out_once"
            )
        ]

    def __str__(self):
        return f"No reminders for {self.user} from {self.organisation}"


# --- one-click unsubscribe ----------------------------------------------------------

_SALT = "governance.notifications.unsubscribe"
_SIGNATURE_LENGTH = 32


def _signature(payload):
    return salted_hmac(_SALT, payload, algorithm="sha256").hexdigest()[
        :_SIGNATURE_LENGTH
    ]


def unsubscribe_token(scope):
    """The token of an unsubscribe link. `scope`: a `Follow` (stop that
    follow), or ("all" | "reminders", user, organisation): stop every follow,
    or the reminders, of one person in one council.

    `<payload>.<signature>`: the signature (an HMAC under SECRET_KEY, as
    `feed_keys`) proves the link was issued here, so an altered link matches
    nothing; a follow's payload is its random nonce, so a link still works
    (and says "already") once the follow is gone, and never names a record.
    """
    if isinstance(scope, Follow):
        payload = f"f-{scope.nonce}"
    else:
        what, user, organisation = scope
        payload = f"{what[0]}-{user.pk}-{organisation.pk}"
    return f"{payload}.{_signature(payload)}"


def read_token(token):
    """("follow", nonce) | ("all" | "reminders", user_id, organisation_id)
    for a genuine token, else None."""
    token = str(token)
    payload, _dot, signature = token.rpartition(".")
    if not payload or len(token) > 120:
        return None
    if not constant_time_compare(signature, _signature(payload)):
        return None
    kind, _dash, rest = payload.partition("-")
    if kind == "f" and rest:
        return ("follow", rest)
    user_id, _dash, organisation_id = rest.partition("-")
    if kind in ("a", "r") and user_id.isdigit() and organisation_id.isdigit():
        what = "all" if kind == "a" else "reminders"
        return (what, int(user_id), int(organisation_id))
    return None


def still_subscribed(parsed):
    """Whether the link's subscription is still in force."""
    if parsed[0] == "follow":
        return Follow.objects.filter(nonce=parsed[1]).exists()
    _what, user_id, organisation_id = parsed
    if parsed[0] == "all":
        return Follow.objects.filter(
            user_id=user_id, organisation_id=organisation_id
        ).exists()
    return not ReminderOptOut.objects.filter(
        user_id=user_id, organisation_id=organisation_id
    ).exists()


def unsubscribe(parsed):
    """Stop what the link names; True if something was stopped."""
    if parsed[0] == "follow":
        return bool(Follow.objects.filter(nonce=parsed[1]).delete()[0])
    _what, user_id, organisation_id = parsed
    if parsed[0] == "all":
        return bool(
            Follow.objects.filter(
                user_id=user_id, organisation_id=organisation_id
            ).delete()[0]
        )
    _opt_out, created = ReminderOptOut.objects.get_or_create(
        user_id=user_id, organisation_id=organisation_id
    )
    return created


# --- the background worker's step ---------------------------------------------


def may_see(user, change):
    """Whether `user` may see the record `change` is about, now."""
    model = change.content_type.model_class()
    if model is None:
        return False
    return model._default_manager.visible_to(user).filter(pk=change.object_id).exists()


def fan_out(now=None):
    """Turn the changes not yet fanned out into notifications; returns how
    many notifications were made."""
    now = now or timezone.now()
    made = 0
    with transaction.atomic():
        changes = list(
            Change.objects.filter(fanned_out_at__isnull=True)
            .select_for_update(skip_locked=True)
            .select_related("content_type")
            .order_by("created_at", "pk")[:500]
        )
        for change in changes:
            made += _fan_out_one(change)
            change.fanned_out_at = now
            change.save(update_fields=["fanned_out_at"])
    return made


def _fan_out_one(change):
    matches = models.Q(content_type__isnull=True)
    for scope in change.scopes:
        content_type_id, _colon, object_id = scope.partition(":")
        matches |= models.Q(content_type_id=content_type_id, object_id=object_id)
    follows = (
        Follow.objects.filter(organisation_id=change.organisation_id)
        .filter(matches)
        .exclude(user_id=change.actor_id)
        .select_related("user")
    )
    best = {}
    for follow in follows:
        held = best.get(follow.user_id)
        if held is None or _ORDER.index(follow.frequency) < _ORDER.index(
            held.frequency
        ):
            best[follow.user_id] = follow
    made = 0
    for follow in best.values():
        if not may_see(follow.user, change):
            continue
        Notification.objects.get_or_create(
            recipient=follow.user,
            change=change,
            defaults={
                "organisation_id": change.organisation_id,
                "follow": follow,
                "frequency": follow.frequency,
            },
        )
        made += 1
    return made


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _unsubscribe_headers(token):
    link = absolute(reverse("unsubscribe", args=[token]))
    return link, {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send(recipient, subject, template, context, token):
    """Send one message; False (and logged) if the mail server refused it."""
    link, headers = _unsubscribe_headers(token)
    body = render_to_string(
        template, {**context, "recipient": recipient, "unsubscribe": link}
    )
    subject = " ".join(str(subject).split())[:200]
    try:
        EmailMessage(
            subject=subject, body=body, to=[recipient.email], headers=headers
        ).send()
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not e-mail user %s", recipient.pk, exc_info=True)
        return False
    return True


def _still_visible(notifications, now):
    """Those the recipient may still see and has an address for. The others
    are closed: withheld (the record is out of their sight now), or noted
    with nothing sent (no e-mail address: their home page still says it)."""
    keep, withhold, no_address = [], [], []
    for notification in notifications:
        if not may_see(notification.recipient, notification.change):
            withhold.append(notification)
        elif not notification.recipient.email:
            no_address.append(notification)
        else:
            keep.append(notification)
    _close(withhold, now, withheld=True)
    _close(no_address, now)
    return keep


def _close(notifications, now, *, withheld=False):
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        sent_at=now, withheld=withheld
    )


def send_immediate(now=None):
    """Send each immediate notification as its own message."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        pending = list(
            Notification.objects.filter(
                sent_at__isnull=True, frequency=Frequency.IMMEDIATE
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "recipient", "change__content_type", "organisation", "follow"
            )
            .order_by("created_at", "pk")[:500]
        )
        for notification in _still_visible(pending, now):
            change = notification.change
            token = (
                unsubscribe_token(notification.follow)
                if notification.follow is not None
                else unsubscribe_token(
                    ("all", notification.recipient, notification.organisation)
                )
            )
            if _send(
                notification.recipient,
                f"{change.title}: {change.summary}",
                "governance/email/notification.txt",
                {
                    "organisation": notification.organisation,
                    "change": change,
                    "url": absolute(change.url),
                    "diff_url": absolute(change.diff_url) if change.diff_url else "",
                },
                token,
            ):
                _close([notification], now)
                sent += 1
    return sent


def digest_cut_off(frequency, now):
    """Digests hold what was noted before the start of today (daily) or of
    this week, Monday (weekly), in the council's time zone."""
    today = timezone.localdate(now)
    if frequency == Frequency.WEEKLY:
        today -= timedelta(days=today.weekday())
    return timezone.make_aware(datetime.combine(today, datetime.min.time()))


def send_digests(now=None):
    """Send each person's daily and weekly digest (one message per person
    and council) of what was noted before the cut-off."""
    now = now or timezone.now()
    sent = 0
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        with transaction.atomic():
            pending = list(
                Notification.objects.filter(
                    sent_at__isnull=True,
                    frequency=frequency,
                    created_at__lt=digest_cut_off(frequency, now),
                )
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient", "change__content_type", "organisation")
                .order_by("recipient", "organisation", "created_at", "pk")
            )
            groups = {}
            for notification in _still_visible(pending, now):
                key = (notification.recipient_id, notification.organisation_id)
                groups.setdefault(key, []).append(notification)
            for group in groups.values():
                first = group[0]
                if frequency == Frequency.DAILY:
                    title = _("Daily digest")
                else:
                    title = _("Weekly digest")
                if _send(
                    first.recipient,
                    f"{first.organisation.name}: {title}, {len(group)} "
                    + (_("change") if len(group) == 1 else _("changes")),
                    "governance/email/digest.txt",
                    {
                        "organisation": first.organisation,
                        "title": title,
                        "changes": [
                            {
                                "change": n.change,
                                "url": absolute(n.change.url),
                                "diff_url": absolute(n.change.diff_url)
                                if n.change.diff_url
                                else "",
                            }
                            for n in group
                        ],
                    },
                    unsubscribe_token(("all", first.recipient, first.organisation)),
                ):
                    _close(group, now)
                    sent += 1
    return sent


_REMINDER_SOURCES = []


def register_reminder_source(function):
    """`function(today)` returns the reminders due today, each a dict:
    recipient, organisation, subject, lines (each with a `url`) and
    `note_sent(now)`, which records that it went, so it goes once (see
    `workplan.notices`); optionally `template`, the e-mail's (default: the
    review-updates one)."""
    _REMINDER_SOURCES.append(function)
    return function


def send_reminders(now=None):
    """Remind officers of updates due in open reviews, a week before and on
    the day; each (review, item, kind) once. Returns messages sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for source in _REMINDER_SOURCES:
        for reminder in source(today):
            user, organisation = reminder["recipient"], reminder["organisation"]
            if (
                not user.email
                or ReminderOptOut.objects.filter(
                    user=user, organisation=organisation
                ).exists()
            ):
                continue
            with transaction.atomic():
                # Noted first, in the same transaction: a message that
                # fails to go is noted as not sent (rolled back).
                reminder["note_sent"](now)
                if _send(
                    user,
                    reminder["subject"],
                    reminder.get("template", "governance/email/reminder.txt"),
                    {
                        **reminder,
                        "lines": [
                            {**line, "url": absolute(line["url"])}
                            for line in reminder["lines"]
                        ],
                    },
                    unsubscribe_token(("reminders", user, organisation)),
                ):
                    sent += 1
                else:
                    transaction.set_rollback(True)
    return sent


def deliver(now=None):
    """The background worker's step: fan out, send, remind. Returns a dict
    of counts."""
    now = now or timezone.now()
    return {
        "notified": fan_out(now),
        "sent": send_immediate(now),
        "digests": send_digests(now),
        "reminders": send_reminders(now),
    }


# --- the home page ----------------------------------------------------------------


def since_for(user, organisation, now=None):
    """Where "changes since ..." starts for this person: when they last read
    their notifications (opened the Notifications page), but no further back
    than 30 days. The one place to point at a "last visit" marker."""
    now = now or timezone.now()
    floor = now - timedelta(days=30)
    last_read = (
        Notification.objects.filter(
            recipient=user, organisation=organisation, read_at__isnull=False
        )
        .aggregate(last=models.Max("read_at"))
        .get("last")
    )
    return max(floor, last_read) if last_read else floor


def recent_for(user, organisation, since):
    """The person's notifications since `since`, newest first, each change
    still visible to them (checked in one query per kind of record)."""
    notifications = list(
        Notification.objects.filter(
            recipient=user,
            organisation=organisation,
            created_at__gte=since,
            withheld=False,
        )
        .select_related("change__content_type")
        .order_by("-created_at", "-pk")[:200]
    )
    by_model = {}
    for notification in notifications:
        by_model.setdefault(notification.change.content_type, set()).add(
            notification.change.object_id
        )
    visible = set()
    for content_type, ids in by_model.items():
        model = content_type.model_class()
        if model is None:
            continue
        seen = model._default_manager.visible_to(user).filter(pk__in=ids)
        for pk in seen.values_list("pk", flat=True):
            visible.add((content_type.pk, pk))
    return [
        n
        for n in notifications
        if (n.change.content_type_id, n.change.object_id) in visible
    ]


def mark_read(user, organisation, now=None):
    Notification.objects.filter(
        recipient=user, organisation=organisation, read_at__isnull=True
    ).update(read_at=now or timezone.now())
