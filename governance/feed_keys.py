"""Private feed addresses: a calendar or feed reader (Outlook, a phone's
calendar, an RSS reader) fetches a person's iCalendar and Atom feeds with
no browser session, so the address itself must say whose feeds they are.

Each person has at most one live key per council they work in. The address
carries `<nonce>-<signature>`: the nonce finds the key's row and the
signature (an HMAC of the nonce under the site's SECRET_KEY) proves the
address was issued here, so a copy of the database alone cannot be turned
into working addresses, and a guessed or altered address matches nothing
(compared in constant time). A key answers only while it is live and its
owner still holds a role in its council, and the feed shows only what the
owner could open as a page then (the same `visible_to()` querysets). Making
new addresses revokes the old ones; so does stopping them.
"""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "governance.feed_keys"
#: Characters of the signature kept in the address (hex, 128 bits).
_SIGNATURE_LENGTH = 32


class FeedKeyQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class FeedKey(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_keys"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FeedKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="feed_key_one_live_per_person_and_council",
            )
        ]

    def __str__(self):
        return f"Feed key of {self.user} for {self.organisation}"

    @property
    def token(self):
        """The secret part of the person's feed addresses."""
        return f"{self.nonce}-{_signature(self.nonce)}"


def _signature(nonce):
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()[:_SIGNATURE_LENGTH]


def live_key(user, organisation):
    """The person's live key for `organisation`, or None."""
    if organisation is None:
        return None
    return FeedKey.objects.live().filter(user=user, organisation=organisation).first()


def issue(user, organisation):
    """New addresses for the person in `organisation`; any old ones stop."""
    with transaction.atomic():
        revoke(user, organisation)
        return FeedKey.objects.create(
            user=user, organisation=organisation, nonce=secrets.token_hex(16)
        )


def revoke(user, organisation):
    """Stop the person's addresses for `organisation` (if any)."""
    return (
        FeedKey.objects.live()
        .filter(user=user, organisation=organisation)
        .update(revoked_at=timezone.now())
    )


def owner_of(token):
    """(user, organisation) for a live, genuine `token` whose owner still
    holds a role in its council; else None."""
    from .permissions import roles_of

    nonce, _dash, signature = str(token).partition("-")
    if (
        not nonce
        or len(token) > 80
        or not constant_time_compare(signature, _signature(nonce))
    ):
        return None
    key = (
        FeedKey.objects.live()
        .filter(nonce=nonce)
        .select_related("user", "organisation")
        .first()
    )
    if key is None or key.organisation_id not in roles_of(key.user):
        return None
    return key.user, key.organisation
