"""CSV for every list: the same rows as the JSON, one line per record.

Nested objects become dotted columns (`committee.name`); a list of plain
values is joined with "; "; a list of objects (a decision's resolutions) is
written as its JSON. Every cell goes through `governance.spreadsheets`, so
no text becomes a formula in the reader's spreadsheet.
"""

import io
import json

from django.utils.translation import gettext as _
from rest_framework import renderers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation

from governance.spreadsheets import csv_writer


def flatten(value, prefix=""):
    """[(column, cell)] for one serialised record."""
    if isinstance(value, dict):
        cells = []
        for key, inner in value.items():
            cells.extend(flatten(inner, f"{prefix}{key}."))
        return cells
    column = prefix.rstrip(".")
    if isinstance(value, list):
        if all(not isinstance(entry, (dict, list)) for entry in value):
            return [(column, "; ".join(str(entry) for entry in value))]
        return [(column, json.dumps(value, ensure_ascii=False))]
    return [(column, value)]


class CsvRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        records = data["results"] if "results" in data else [data]
        rows = [dict(flatten(record)) for record in records]
        columns = []
        for row in rows:
            columns.extend(column for column in row if column not in columns)
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column) for column in columns])
        return out.getvalue().encode(self.charset)


class ContentNegotiation(DefaultContentNegotiation):
    """As DRF's, but an unknown `?format=` is a 400 naming the formats."""

    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError(
                {"format": [_("Ask for one of these formats: %s.") % formats]}
            )
        return chosen
