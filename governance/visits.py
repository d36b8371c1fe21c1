"""When a person last looked: the home page says what happened "since your
last visit" (decisions published, changes to what they follow).

One row per person and council, kept apart from their role (it is not part
of the record and has no history). A visit is a run of home-page views with
no gap longer than `VISIT_GAP`: a new visit moves the last one's start into
`previous_at`, so reloading the home page during a visit does not empty it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    Remembered on the request: every panel of one page sees the same."""
    if hasattr(request, "since_last_visit"):
        return request.since_last_visit
    now = now or timezone.now()
    rows = Visit.objects.filter(user=request.user, organisation=request.organisation)
    rows.filter(Q(last_at__lt=now - VISIT_GAP)).update(
        previous_at=F("last_at"), last_at=now
    )
    visit, _created = Visit.objects.get_or_create(
        user=request.user,
        organisation=request.organisation,
        defaults={"last_at": now},
    )
    if visit.last_at != now:
        rows.update(last_at=now)
    request.since_last_visit = visit.previous_at or now - FIRST_VISIT_LOOKS_BACK
    return request.since_last_visit
