"""When a person last looked: the home page says what happened "since your
last visit" (decisions published, changes to what they follow).

One row per person and council, kept apart from their role (it is not part
of the record and has no history). A visit is a run of home-page views with
no gap longer than `VISIT_GAP`: a new visit moves the last one's start into
`previous_at`, so reloading the home page during a visit does not empty it.
"""

import functools
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

#: Home-page views closer together than this are one visit.
VISIT_GAP = timedelta(hours=1)
#: With no earlier visit, "since" reaches back this far.
FIRST_VISIT_LOOKS_BACK = timedelta(days=30)


class Visit(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    #: The latest home-page view, and the start of the visit before this one.
    last_at = models.DateTimeField()
    previous_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="visit_one_per_person_and_council"
            )
        ]

    def __str__(self):
        return f"{self.user} in {self.organisation}: {self.last_at:%Y-%m-%d %H:%M}"


def since_last_visit(request, now=None):
    """The moment the person's previous visit to this council began (or
    `FIRST_VISIT_LOOKS_BACK` ago on a first visit), noting this view.
    Remembered on the request: every panel of one page sees the same.

    One statement once the person has a row (`_noted_sql`): this view noted,
    the visit before moved on when the gap was long enough, the previous
    start read back. A first visit adds the row."""
    if hasattr(request, "since_last_visit"):
        return request.since_last_visit
    now = now or timezone.now()
    user_id, organisation_id = request.user.pk, request.organisation.pk
    with connection.cursor() as cursor:
        cursor.execute(_noted_sql(), [now - VISIT_GAP, now, user_id, organisation_id])
        noted = cursor.fetchone()
    if noted is None:
        visit, created = Visit.objects.get_or_create(
            user_id=user_id, organisation_id=organisation_id, defaults={"last_at": now}
        )
        if not created:  # added meanwhile by another request: note this one
            return since_last_visit(request, now)
        noted = (visit.previous_at,)
    request.since_last_visit = noted[0] or now - FIRST_VISIT_LOOKS_BACK
    return request.since_last_visit


@functools.cache
def _noted_sql():
    """What `since_last_visit` runs on a person's row: when their last view
    came more than `VISIT_GAP` before this one, its visit is now the
    previous; this view is the last."""
    quote = connection.ops.quote_name
    table = quote(Visit._meta.db_table)
    last, previous = quote("last_at"), quote("previous_at")
    return (
        f"UPDATE {table} SET {previous} = CASE WHEN {last} < %s "  # noqa: S608 - names of our own table
        f"THEN {last} ELSE {previous} END, {last} = %s "
        f"WHERE {quote('user_id')} = %s AND {quote('organisation_id')} = %s "
        f"RETURNING {previous}"
    )
