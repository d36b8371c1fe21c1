"""Pages of a list: `?limit=` (1 to `MAX_LIMIT`, default `DEFAULT_LIMIT`)
and `?offset=` (from 0). A value out of range or not a whole number is a
400 that says what is allowed, never a quietly different page."""

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .licence import LICENCE

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _whole_number(request, name, default, lowest, highest=None):
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < lowest or (highest is not None and value > highest):
        if highest is None:
            message = _("%(name)s must be a whole number from %(lowest)s.")
        else:
            message = _(
                "%(name)s must be a whole number from %(lowest)s to %(highest)s."
            )
        raise ValidationError(
            {name: [message % {"name": name, "lowest": lowest, "highest": highest}]}
        )
    return value


class Pagination(pagination.LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request):
        return _whole_number(
            request, self.limit_query_param, DEFAULT_LIMIT, 1, MAX_LIMIT
        )

    def get_offset(self, request):
        return _whole_number(request, self.offset_query_param, 0, 0)

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            raise ValidationError(
                {"page": [_("This API pages with limit and offset, not page.")]}
            )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "licence": LICENCE,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        page = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "licence", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Records in all pages."},
                "next": {**page, "description": "The next page (null on the last)."},
                "previous": {**page, "description": "The page before (or null)."},
                "licence": LICENCE_SCHEMA,
                "results": schema,
            },
        }


LICENCE_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
    "required": ["name", "url"],
}
