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


class KeyQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class SignedKey(models.Model):
    """A person's secret for one council, handed to a program that cannot
    sign in (a calendar, a feed reader, an API client): `<nonce>-<signature>`
    as this module's docstring describes. Concrete keys add `user` and
    `organisation` and name their own `SALT`, so a key of one kind never
    works as another."""

    SALT = _SALT

    nonce = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = KeyQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def token(self):
        """The secret the person hands to their program."""
        return f"{self.nonce}-{_signature(self.nonce, self.SALT)}"

    @classmethod
    def live_key(cls, user, organisation):
        """The person's live key for `organisation`, or None."""
        if organisation is None:
            return None
        return cls.objects.live().filter(user=user, organisation=organisation).first()

    @classmethod
    def issue(cls, user, organisation):
        """A new key for the person in `organisation`; any old one stops."""
        with transaction.atomic():
            cls.revoke(user, organisation)
            return cls.objects.create(
                user=user, organisation=organisation, nonce=secrets.token_hex(16)
            )

    @classmethod
    def revoke(cls, user, organisation):
        """Stop the person's key for `organisation` (if any)."""
        return (
            cls.objects.live()
            .filter(user=user, organisation=organisation)
            .update(revoked_at=timezone.now())
        )

    @classmethod
    def genuine(cls, token):
        """The live key `token` names, if it is genuine (else None); whether
        its owner still holds a role is the caller's question."""
        nonce, _dash, signature = str(token).partition("-")
        if (
            not nonce
            or len(str(token)) > 80
            or not constant_time_compare(signature, _signature(nonce, cls.SALT))
        ):
            return None
        return (
            cls.objects.live()
            .filter(nonce=nonce)
            .select_related("user", "organisation")
            .first()
        )

    @classmethod
    def owner_of(cls, token):
        """(user, organisation) for a live, genuine `token` whose owner still
        holds a role in its council; else None."""
        from .permissions import roles_of

        key = cls.genuine(token)
        if key is None or key.organisation_id not in roles_of(key.user):
            return None
        return key.user, key.organisation


class FeedKey(SignedKey):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_keys"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )

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


def _signature(nonce, salt=_SALT):
    return salted_hmac(salt, nonce, algorithm="sha256").hexdigest()[:_SIGNATURE_LENGTH]


def live_key(user, organisation):
    """The person's live key for `organisation`, or None."""
    return FeedKey.live_key(user, organisation)


def issue(user, organisation):
    """New addresses for the person in `organisation`; any old ones stop."""
    return FeedKey.issue(user, organisation)


def revoke(user, organisation):
    """Stop the person's addresses for `organisation` (if any)."""
    return FeedKey.revoke(user, organisation)


def owner_of(token):
    """(user, organisation) for a live, genuine `token` whose owner still
    holds a role in its council; else None."""
    return FeedKey.owner_of(token)
