"""The account page's section on personal API tokens (the account page is
`governance`'s, which knows nothing of the API: it loads this tag)."""

from django import template
from django.urls import reverse

from ..models import ApiToken

register = template.Library()


@register.inclusion_tag("api/account_token.html", takes_context=True)
def api_token_section(context):
    request = context["request"]
    organisation = getattr(request, "organisation", None)
    token = ApiToken.live_key(request.user, organisation)
    return {
        "request": request,
        "organisation": organisation,
        "token": token,
        "csrf_token": context.get("csrf_token"),
        "council_url": request.build_absolute_uri(
            reverse("api:council-detail", args=[organisation.slug])
        )
        if organisation is not None
        else None,
    }
