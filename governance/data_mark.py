"""A mark of the records' data: one cheap query whose answer moves whenever
anything a record's page could print may have changed.

`data_mark(organisation)` reads, in one query compiled once per process,
the newest history row of every record type a page prints (every save and
deletion writes one), the newest row of the records of what happened
(events, amendments, papers as sent: written once), the council's own
version, and what changes with time alone (decisions whose call-in period
has ended, meetings that have begun, the day). It is per site, not per
page, which keeps it one query: a change anywhere moves it.
`template_digest()` moves with a new release.

The public site's ETags (`public/caching.py`) and the cached documents of
the signed-in pages (`governance/documents.py`) are both built on it.
"""

import hashlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import CharField, Expression, F, Func, OuterRef, Subquery, Value
from django.utils import timezone

#: Every model whose rows a record's page prints (and whose history row a
#: save or deletion writes).
PRINTED = [
    "decisions.AgendaItem",
    "decisions.Committee",
    "decisions.CommitteeMember",
    "decisions.DecidedRecord",
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
    "workplan.Milestone",
    "workplan.Review",
    "workplan.ProgressUpdate",
    "workplan.Variation",
]


#: Records of what happened that pages print, written once and never
#: changed (no history of their own): the newest row marks them.
APPENDED = [
    "decisions.ConsideredPaper",
    "governance.ApprovedVersion",
    "governance.Event",
    "governance.MinorAmendment",
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
    for index, label in enumerate(APPENDED):
        marks[f"a{index}"] = Subquery(
            apps.get_model(label).objects.order_by("-pk").values("pk")[:1]
        )
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


@cache
def _mark_pieces():
    """The mark's SQL cut at its parameters (their roles between), and the
    number of its columns: to print it inside another query (`DataMark`)."""
    sql, roles = _mark_sql()
    pieces = sql.split("%s")
    if len(pieces) != len(roles) + 1:  # pragma: no cover - the query changed shape
        raise ValueError("the mark's query holds a literal %s")
    query = _mark_queryset(_SOME_COUNCIL, _SOME_MOMENT).query
    columns = len(query.values_select) + len(query.annotation_select)
    return pieces, roles, columns


class DataMark(Expression):
    """`data_mark()` of the council `council` (an expression of the outer
    query, e.g. `F("committee__organisation")`) read as a column of another
    query: a record and its mark in one round trip (`documents.py`). Give
    the column to `mark_of()` for the same string `data_mark()` returns."""

    output_field = CharField()

    def __init__(self, council, now=None):
        super().__init__()
        self.council = council
        self.now = now or timezone.now()

    def get_source_expressions(self):
        return [self.council]

    def set_source_expressions(self, exprs):
        (self.council,) = exprs

    def as_sql(self, compiler, connection):
        council_sql, council_params = compiler.compile(self.council)
        pieces, roles, columns = _mark_pieces()
        parts, params = [pieces[0]], []
        for role, piece in zip(roles, pieces[1:], strict=True):
            if role == "council":
                parts.append(f"({council_sql})")
                params.extend(council_params)
            else:
                parts.append("%s")
                params.append(self.now)
            parts.append(piece)
        names = ", ".join(f"c{index}" for index in range(columns))
        values = ", ".join(f"COALESCE(c{index}::text, '0')" for index in range(columns))
        # Only the compiled queries and column numbers: no text of anyone's.
        sql = f"(SELECT concat_ws('.', {values}) FROM ({''.join(parts)}) AS mark({names}))"  # noqa: S608, E501
        return sql, params


def mark_of(column):
    """The mark from a `DataMark` column (None: no council)."""
    return f"{column or ''}.{timezone.localdate()}"


def data_mark(organisation):
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
