"""Public pages are the same for everyone, so shared caches may keep them.

Each response carries `Cache-Control: public, max-age=PUBLIC_MAX_AGE` and an
ETag; a request whose `If-None-Match` holds it gets 304 with no page built.
The ETag is made from the versions of what the public site prints, read in
one query (`public_data_mark`): the newest history row of every public
record type (every save and deletion writes one), the council's own version,
and what changes with time alone (decisions whose call-in period has ended,
meetings that have begun, the day), plus the address asked for and a digest
of the templates. It moves whenever anything the page could print changes,
and only then (a change anywhere moves every page: the mark is per site, not
per page, which keeps it one cheap query).

Nothing here depends on who is asking: the public pages print nothing of a
signed-in person (`public/base.html` draws no account links and no messages).
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import F, Func, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.cache import get_conditional_response

#: How long a browser or proxy may keep a public page without asking again.
PUBLIC_MAX_AGE = 300
PUBLIC = f"public, max-age={PUBLIC_MAX_AGE}"


def _public_history_models():
    from decisions.models import (
        AgendaItem,
        Committee,
        CommitteeMember,
        DecisionRecord,
        Meeting,
        Recommendation,
        Report,
        ReportHeading,
        ReportText,
        Resolution,
    )
    from governance.models import Post
    from strategy.models import Objective, Risk, Strategy, Theme
    from workplan.models import (
        ProgressUpdate,
        Review,
        Variation,
        Workplan,
        WorkplanItem,
    )

    models = [
        AgendaItem,
        Committee,
        CommitteeMember,
        DecisionRecord,
        Meeting,
        Recommendation,
        Report,
        ReportHeading,
        ReportText,
        Resolution,
        Post,
        Strategy,
        Theme,
        Objective,
        Risk,
        Workplan,
        WorkplanItem,
        Review,
        ProgressUpdate,
        Variation,
    ]
    return [model.history.model for model in models]


def _count(queryset):
    """A subquery counting `queryset`'s rows."""
    return Subquery(
        queryset.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )


def public_data_mark(organisation):
    """A string that changes whenever anything the council's public site
    prints may have changed (see the module's docstring). One query: the
    newest history row of each table is its primary key's last entry."""
    from decisions.models import DecisionRecord, Meeting
    from governance.models import Organisation

    now = timezone.now()
    marks = {
        f"h{index}": Subquery(
            model.objects.order_by("-history_id").values("history_id")[:1]
        )
        for index, model in enumerate(_public_history_models())
    }
    marks["effective"] = _count(
        DecisionRecord.objects.filter(
            organisation=OuterRef("pk"), takes_effect_at__lte=now
        )
    )
    marks["begun"] = _count(
        Meeting.objects.filter(
            committee__organisation=OuterRef("pk"), starts_at__lte=now
        )
    )
    row = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(**marks)
        .values_list("version", *marks)
        .first()
    )
    return ".".join(str(value or 0) for value in row or ()) + f".{timezone.localdate()}"


@cache
def template_digest():
    """A digest of the templates: a new release moves every ETag."""
    digest = hashlib.sha256()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def public_etag(request, organisation):
    raw = "|".join(
        [
            request.path,
            request.GET.urlencode(),
            public_data_mark(organisation),
            template_digest(),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def mark_public(response, etag=None):
    """`response` as one any cache may keep (with its ETag, if given)."""
    response["Cache-Control"] = PUBLIC
    if etag is not None:
        response["ETag"] = f'"{etag}"'
    return response


def cached_publicly(request, organisation, build):
    """The response `build()` makes, served as a public page: 304 when the
    request already holds the current version (nothing built)."""
    etag = public_etag(request, organisation)
    quoted = f'"{etag}"'
    if request.method in ("GET", "HEAD"):
        not_modified = get_conditional_response(request, etag=quoted)
        if not_modified is not None:
            return mark_public(not_modified, etag)
    response = build()
    if response.status_code == 200 and not response.has_header("Cache-Control"):
        return mark_public(response, etag)
    return response
