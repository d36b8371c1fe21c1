"""`{% follow_button record %}`: the Follow / Stop following button on a
record's page (and `{% follow_button organisation %}` for the whole council)."""

from django import template

from governance import notifications
from governance.models import Organisation
from governance.notification_views import record_key

register = template.Library()


@register.inclusion_tag("components/follow_button.html", takes_context=True)
def follow_button(context, record, following=None):
    """`following`: whether the reader follows `record`, if the view has
    already asked (`CachedDocumentMixin`); else asked here."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    if isinstance(record, Organisation):
        organisation, target = record, None
        name = record.name
    else:
        organisation, target = record.organisation, record
        name = str(record)
    if following is None:
        following = notifications.follow_of(user, organisation, target) is not None
    return {
        "show": True,
        "following": following,
        "key": record_key(record),
        "name": name,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
