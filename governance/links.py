"""Links made in bulk: a list's rows each link to a record's page."""

from django.urls import reverse


def pk_url(name, *leading):
    """`pk -> reverse(name, args=[*leading, pk])`, reversing once: each of a
    page's rows links to one or more pages, and a reverse costs far more
    than a format."""
    marker = "2147483647"
    before, after = reverse(name, args=[*leading, int(marker)]).rsplit(marker, 1)
    return lambda pk: f"{before}{pk}{after}"
