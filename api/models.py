"""Personal API tokens: staff read the same API with what they may see.

A token is a `SignedKey` (see `governance/feed_keys.py`): one live token per
person per council, its secret an HMAC-signed nonce, revoked by making a new
one or stopping it, and answering only while its owner holds a role in its
council. It has its own salt, so a feed address never works as a token.
"""

from django.conf import settings
from django.db import models

from governance.feed_keys import SignedKey


class ApiToken(SignedKey):
    SALT = "api.tokens"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_one_live_per_person_and_council",
            )
        ]

    def __str__(self):
        return f"API token of {self.user} for {self.organisation}"
