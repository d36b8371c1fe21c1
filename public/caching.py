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
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import F, Func, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.cache import get_conditional_response

#: How long a browser or proxy may keep a public page without asking again.
PUBLIC_MAX_AGE = 300
PUBLIC = f"public, max-age={PUBLIC_MAX_AGE}"


#: Every model whose rows a public page prints (and whose history row a
#: save or deletion writes).
PRINTED = [
    "decisions.AgendaItem",
    "decisions.Committee",
    "decisions.CommitteeMember",
    "decisions.DecisionRecord",
    "decisions.Meeting",
    "decisions.Recommendation",
    "decisions.Report",
    "decisions.ReportHeading",
    "decisions.ReportText",
    "decisions.Resolution",
    "governance.Post",
    "strategy.Strategy",
    "strategy.Theme",
    "strategy.Objective",
    "strategy.Risk",
    "workplan.Workplan",
    "workplan.WorkplanItem",
    "workplan.Review",
    "workplan.ProgressUpdate",
    "workplan.Variation",
]


def _public_history_models():
    return [apps.get_model(label).history.model for label in PRINTED]


def _count(queryset):
    """A subquery counting `queryset`'s rows."""
    return Subquery(
        queryset.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )


def _mark_queryset(organisation_id, now):
    from decisions.models import DecisionRecord, Meeting
    from governance.models import Organisation

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
    return (
        Organisation.objects.filter(pk=organisation_id)
        .annotate(**marks)
        .values_list("version", *marks)
    )


#: Stand-ins for the council and the moment, to compile the query once.
_SOME_COUNCIL = -7_654_321
_SOME_MOMENT = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


@cache
def _mark_sql():
    """The mark's SQL, compiled once per process (compiling its twenty-odd
    subqueries takes far longer than running them), and which parameter
    is the council and which the moment."""
    sql, params = _mark_queryset(_SOME_COUNCIL, _SOME_MOMENT).query.sql_with_params()
    roles = []
    for param in params:
        if param == _SOME_COUNCIL:
            roles.append("council")
        elif param == _SOME_MOMENT:
            roles.append("now")
        else:  # pragma: no cover - the query changed shape
            raise ValueError(f"unexpected parameter {param!r} in the mark's query")
    return sql, roles


def public_data_mark(organisation):
    """A string that changes whenever anything the council's public site
    prints may have changed (see the module's docstring). One query: the
    newest history row of each table is its primary key's last entry."""
    now = timezone.now()
    sql, roles = _mark_sql()
    values = {"council": organisation.pk, "now": now}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[role] for role in roles])
        row = cursor.fetchone()
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
    # For `SameForEveryoneMiddleware`: no `Vary: Cookie`, and no cookie.
    response.same_for_everyone = True
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
