"""`Authorization: Token <token>`: a staff member's personal API token.

Without the header a request is the public's. A token that is not genuine,
has been revoked, or whose owner no longer holds a role in its council is
refused (401) rather than quietly read as the public's, so a program learns
that its token has stopped working.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Token <your token>”.")
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeError:
            token = ""
        owner = ApiToken.owner_of(token)
        if owner is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "This token does not work: it was stopped, replaced, or its "
                    "owner no longer has a role at the council. Make a new one "
                    "on your account page."
                )
            )
        user, organisation = owner
        return user, organisation

    def authenticate_header(self, request):
        return self.keyword
