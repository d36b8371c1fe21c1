"""A mark of the records' data: one cheap query whose answer moves whenever
anything a record's page could print may have changed.

`data_mark(organisation)` reads, in one query compiled once per process
and prepared once per database connection (`prepared.py`), how many
changes have been recorded of what pages print and the newest one's id
(`data_changes.py`: triggers record every statement writing the history
of a record type a page prints, `PRINTED`, the records of what happened,
`APPENDED`, and people's names; for meetings, only what other pages print
of them, `MEETING_PRINTED`), the council's own version, and what changes
with time alone (decisions whose call-in period has ended, meetings that
have begun, the day). It is per site, not per page, which keeps it one
query: a change anywhere moves it. The same row gives the changes part by
part, for what is read from a few kinds of rows only (`DataMark.of`).
`template_digest()` moves with a new release.

The public site's ETags (`public/caching.py`) and the cached documents of
the signed-in pages (`governance/documents.py`) are both built on it.
"""

import hashlib
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import CharField, F, Func, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .prepared import compiled_at_start, prepared_cursor

#: Every model whose rows a record's page prints (and whose history row a
#: save or deletion writes).
PRINTED = [
    "decisions.AgendaItem",
    "decisions.Committee",
    "decisions.CommitteeMember",
    "decisions.DecidedRecord",
    "decisions.DecisionRecord",
    "decisions.Meeting",
    "decisions.NumberingSettings",
    "decisions.Recommendation",
    "decisions.Report",
    "decisions.ReportHeading",
    "decisions.ReportText",
    "decisions.Resolution",
    "governance.Membership",
    "governance.Post",
    "strategy.Strategy",
    "strategy.Theme",
    "strategy.Objective",
    "strategy.Risk",
    "workplan.Department",
    "workplan.Workplan",
    "workplan.WorkplanSettings",
    "workplan.WorkplanItem",
    "workplan.Milestone",
    "workplan.Review",
    "workplan.ProgressUpdate",
    "workplan.Variation",
    "workplan.VariationSettings",
]


#: Records of what happened that pages print, written once and never
#: changed (no history of their own): a trigger on their own table marks them.
APPENDED = [
    "decisions.ConsideredPaper",
    "governance.ApprovedVersion",
    "governance.Event",
    "governance.MinorAmendment",
]


def _count(queryset):
    """A subquery counting `queryset`'s rows."""
    return Subquery(
        queryset.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )


class _RowsDigest(Func):
    """The md5 of its columns over the rows of a (one-group) query, row by
    row in the columns' order: an aggregate."""

    contains_aggregate = True
    template = (
        "md5(string_agg(concat_ws(chr(31), %(expressions)s), chr(30) "
        "ORDER BY %(expressions)s))"
    )
    output_field = CharField()

    def get_group_by_cols(self):
        return []  # an aggregate: nothing to group by


def rows_digest(queryset, columns):
    """A subquery: `_RowsDigest` of `queryset`'s `columns` (None when it has
    no rows)."""
    return Subquery(
        queryset.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(digest=_RowsDigest(*map(F, columns)))
        .values("digest")
    )


#: What the pages of other records print of a meeting (its own page prints
#: its agenda: the agenda items' part of the mark, and its `version`).
MEETING_PRINTED = (
    "id",
    "committee_id",
    "starts_at",
    "venue",
    "status",
    "agenda_published",
)


#: Every change recorded (`data_changes.py`): how many, and the newest's id.
ALL_CHANGES = """(
    SELECT coalesce(sum(changes), 0) || ':' || coalesce(max(id), 0)
    FROM {table})"""

#: The same, part by part: "part=count:newest" joined by commas.
CHANGES_BY_PART = """(
    SELECT string_agg(part || '=' || total || ':' || newest, ',' ORDER BY part)
    FROM (SELECT part, sum(changes) AS total, max(id) AS newest
          FROM {table} GROUP BY part) AS parts)"""


def _mark_queryset(organisation_id, now, by_part=True):
    """The council's row with its mark's columns: its version, every change
    recorded (`ALL_CHANGES`), decisions in effect, meetings begun and, with
    `by_part`, the changes part by part (`CHANGES_BY_PART`, last)."""
    from decisions.models import DecisionRecord, Meeting
    from governance.models import DataChange, Organisation

    table = DataChange._meta.db_table
    marks = {
        "changes": RawSQL(  # noqa: S611 - fixed SQL, no parameters
            ALL_CHANGES.format(table=table), (), output_field=CharField()
        ),
        "effective": _count(
            DecisionRecord.objects.filter(
                organisation=OuterRef("pk"), takes_effect_at__lte=now
            )
        ),
        "begun": _count(
            Meeting.objects.filter(
                committee__organisation=OuterRef("pk"), starts_at__lte=now
            )
        ),
    }
    if by_part:
        marks["by_part"] = RawSQL(  # noqa: S611 - fixed SQL, no parameters
            CHANGES_BY_PART.format(table=table), (), output_field=CharField()
        )
    return (
        Organisation.objects.filter(pk=organisation_id)
        .annotate(**marks)
        .values_list("version", *marks)
    )


#: Stand-ins for the council and the moment, to compile the query once.
_SOME_COUNCIL = -7_654_321
_SOME_MOMENT = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)


@compiled_at_start(over=[(True,), (False,)])
def mark_sql(by_part=True):
    """The mark's SQL, compiled once per process (compiling subqueries takes
    longer than running them), and which parameter is the council and
    which the moment. Without `by_part`, the whole mark only (what
    `data_mark()` gives as a string), without the parts `DataMark.of()`
    reads."""
    sql, params = _mark_queryset(
        _SOME_COUNCIL, _SOME_MOMENT, by_part
    ).query.sql_with_params()
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
def mark_columns(by_part=True):
    """The number of columns of the mark's query."""
    query = _mark_queryset(_SOME_COUNCIL, _SOME_MOMENT, by_part).query
    return len(query.values_select) + len(query.annotation_select)


class DataMark(str):
    """The council's data mark (a string), which can also name a part of
    itself: `mark.of("strategy.Theme", "names")` moves only when a theme is
    saved or deleted or someone's name changes, the day, or the council
    itself (its version is in every part). For what is read from a few
    kinds of rows only: the workplan page's filter choices (`workplan/
    views.py`) are not drawn again when only progress moves."""

    columns: dict

    def of(self, *parts):
        """The mark of `parts`: model labels of `PRINTED` or `APPENDED`,
        and "names" (people's names, and who holds a role where)."""
        _known(parts)
        return ".".join(
            self.columns.get(part, "0") for part in ("version", *parts, "day")
        )

    def without(self, *parts):
        """The mark of every part but `parts` (see `of`)."""
        _known(parts)
        return self.of(*(part for part in _column_names()[1:] if part not in parts))


def _known(parts):
    """A misspelt part would be a constant: refused, not silently stale."""
    unknown = set(parts) - set(_column_names())
    if unknown:
        raise ValueError(f"no such part of the data mark: {sorted(unknown)}")


def _column_names():
    return ["version", *PRINTED, *APPENDED, "names", "effective", "begun"]


def _parts(by_part):
    """{part: "count:newest"} from `CHANGES_BY_PART`'s text."""
    parts = {}
    for entry in (by_part or "").split(","):
        part, _equals, marked = entry.partition("=")
        if part:
            parts[part] = marked
    return parts


def data_mark(organisation, record=None):
    """A string that changes whenever anything the council's (`organisation`,
    or its id) pages print may have changed (see the module's docstring).
    One prepared query (`prepared.py`) reading a small table
    (`data_changes.py`). A `DataMark`.

    With `record` (a model instance of a type with a record mark), the
    same query also reads that record's own mark (`record_mark()`), which
    the answer holds as `.record`."""
    now = timezone.now()
    values = {
        "council": getattr(organisation, "pk", organisation),
        "now": now,
        "today": timezone.localdate(),
    }
    if record is None:
        sql, roles = mark_sql()
    else:
        sql, roles = _with_record_sql(record._meta.label, values["today"])
        values["record"] = int(record.pk)
    with prepared_cursor() as cursor:
        cursor.execute(sql, bound(roles, values))
        row = cursor.fetchone() or ()
    columns = mark_columns()
    version, changes, effective, begun, by_part = row[:columns] or (None,) * columns
    whole = [str(value or 0) for value in (version, changes, effective, begun)]
    day = str(timezone.localdate())
    mark = DataMark(".".join([*whole, day]))
    mark.columns = {
        "version": whole[0],
        **_parts(by_part),
        "effective": whole[2],
        "begun": whole[3],
        "day": day,
    }
    if record is not None:
        mark.record = _record_mark_text(record._meta.label, record.pk, row[columns:])
    return mark


# --- one record's mark --------------------------------------------------------

#: For each record type with a public page (and an API record) of its own,
#: what the page prints, as (model, field of that model's rows, path from
#: the record to the values of that field). The newest history row of each
#: (every save and deletion writes one, and a deleted row's history keeps
#: its field) marks the page: `("decisions.Resolution", "decision_id",
#: "pk")` are the record's resolutions, `("decisions.Meeting", "id",
#: "meeting")` its meeting. Err on the side of more: a row named here that
#: the page does not print only costs a needless re-render.
RECORD_SCOPE = {
    "decisions.DecisionRecord": [
        ("decisions.DecisionRecord", "id", "pk"),
        ("decisions.Resolution", "decision_id", "pk"),
        ("decisions.DecidedRecord", "decision_id", "pk"),
        ("decisions.Meeting", "id", "meeting"),
        ("decisions.Meeting", "id", "call_in_heard_at"),
        ("decisions.Committee", "id", "meeting__committee"),
        ("decisions.Report", "id", "report"),
        # Whether the report may be opened: its agendas published.
        ("decisions.AgendaItem", "report_id", "report"),
        ("decisions.Meeting", "id", "report__agenda_items__meeting"),
        ("decisions.CallInRule", "id", "call_in_rule"),
    ],
    "decisions.Meeting": [
        ("decisions.Meeting", "id", "pk"),
        ("decisions.Committee", "id", "committee"),
        ("decisions.CommitteeMember", "committee_id", "committee"),
        ("decisions.AgendaItem", "meeting_id", "pk"),
        ("decisions.Report", "id", "agenda_items__report"),
        ("decisions.DecisionRecord", "meeting_id", "pk"),
        ("decisions.Resolution", "decision_id", "decisions"),
    ],
    "decisions.Report": [
        ("decisions.Report", "id", "pk"),
        ("decisions.Recommendation", "report_id", "pk"),
        ("decisions.ReportText", "report_id", "pk"),
        ("decisions.AgendaItem", "report_id", "pk"),
        ("decisions.Meeting", "id", "agenda_items__meeting"),
        ("decisions.Committee", "id", "agenda_items__meeting__committee"),
        ("governance.Post", "id", "report_of"),
        ("governance.Post", "id", "contact"),
    ],
    "strategy.Strategy": [
        ("strategy.Strategy", "id", "pk"),
        ("strategy.Theme", "strategy_id", "pk"),
        ("strategy.Objective", "theme_id", "themes"),
        ("strategy.Risk", "strategy_id", "pk"),
        ("governance.Post", "id", "cabinet_member"),
        ("governance.Post", "id", "director"),
        ("decisions.DecisionRecord", "id", "approving_decision"),
        ("decisions.Meeting", "id", "approving_decision__meeting"),
        ("workplan.Workplan", "strategy_id", "pk"),
        # Its workplans' items and their progress only as delivery figures:
        # `RECORD_COUNTED`, not their history (nor their milestones).
        ("workplan.Review", "workplan_id", "workplans"),
        ("workplan.Variation", "workplan_id", "workplans"),
        # The decisions its delivery names (and, `RECORD_LINKS`, those
        # deciding it and its events' links).
        ("decisions.DecisionRecord", "id", "workplans__approving_decision"),
        ("decisions.DecisionRecord", "id", "workplans__reviews__decision"),
        ("decisions.DecisionRecord", "id", "workplans__variations__decision"),
    ],
    "workplan.Workplan": [
        ("workplan.Workplan", "id", "pk"),
        ("strategy.Strategy", "id", "strategy"),
        ("strategy.Theme", "strategy_id", "strategy"),
        ("decisions.DecisionRecord", "id", "approving_decision"),
        ("workplan.WorkplanItem", "workplan_id", "pk"),
        ("workplan.Milestone", "item_id", "items"),
        ("workplan.Review", "workplan_id", "pk"),
        ("decisions.Meeting", "id", "reviews__meeting"),
        ("workplan.ProgressUpdate", "review_id", "reviews"),
        ("workplan.Variation", "workplan_id", "pk"),
        # The decisions that agreed its variations and reported its reviews.
        ("decisions.DecisionRecord", "id", "variations__decision"),
        ("decisions.DecisionRecord", "id", "reviews__decision"),
    ],
    "workplan.Review": [
        ("workplan.Review", "id", "pk"),
        ("workplan.Workplan", "id", "workplan"),
        ("strategy.Strategy", "id", "workplan__strategy"),
        ("strategy.Theme", "strategy_id", "workplan__strategy"),
        ("workplan.WorkplanItem", "workplan_id", "workplan"),
        ("workplan.ProgressUpdate", "review_id", "pk"),
        ("decisions.Meeting", "id", "meeting"),
        ("decisions.Committee", "id", "meeting__committee"),
        ("decisions.DecisionRecord", "id", "decision"),
    ],
}

#: Rows a record's page prints that name the record through a generic link
#: (a decided record, an event's link), by type: (the printed model, the
#: linking model, its field naming the printed row); the linking rows name
#: the record by `LINKING_FIELDS`. A linking model with a history is read
#: through it: every row that ever named the record, so one taken away is
#: seen too. An event's link may be a meeting, whose id then stands for a
#: decision's: a needless re-render at worst.
RECORD_LINKS = {
    "strategy.Strategy": [
        ("decisions.DecidedRecord", "decisions.DecidedRecord", "id"),
        ("decisions.DecisionRecord", "decisions.DecidedRecord", "decision_id"),
        ("decisions.DecisionRecord", "governance.Event", "link_object_id"),
    ],
}
#: The linking models' fields naming the record.
LINKING_FIELDS = ("content_type", "object_id")

#: Record types whose page prints its workplans' items only as delivery
#: figures (`workplan.delivery`: RAG by theme, items on track, overdue), by
#: the path from the record to those workplans. Their mark reads not each
#: item's and progress update's newest history row (a new percentage or a
#: note moves no figure, and a busy council writes one every second) but
#: what the figures are counted from: the workplans' items tallied by
#: theme, category, RAG and status (`workplan.ItemTally`, kept by
#: triggers in the writing transaction) and which of them are overdue
#: today. A digest of each, in the same query.
RECORD_COUNTED = {"strategy.Strategy": "workplans"}
#: The tally's columns the digest reads, which are also its order.
TALLY_COLUMNS = ("workplan_id", "theme_id", "category", "rag", "status", "items")

#: Parts of the council's mark for views naming what their page prints only
#: as the record's own (`documents.CachedDocumentMixin.unprinted_parts`):
#: what happened to a record (`APPENDED`), which its own mark reads
#: (`RECORD_APPENDED`) whatever its type; and the text of reports, which
#: only a report's own page prints.
HAPPENED_TO_THE_RECORD = tuple(APPENDED)
REPORT_TEXT = (
    "decisions.Recommendation",
    "decisions.ReportHeading",
    "decisions.ReportText",
)

#: The links of `RECORD_SCOPE` an edit may point at another record (an
#: agenda item given another report, a draft workplan another strategy):
#: the row's history after the edit names the new record only, so for
#: these the mark follows every row that ever named the record.
REPOINTABLE = {
    ("decisions.AgendaItem", "report_id"),
    ("decisions.AgendaItem", "meeting_id"),
    ("workplan.Workplan", "strategy_id"),
}

#: The records of what happened (`APPENDED`) a record's page prints, by the
#: field naming the record (any record type with that primary key: a
#: needless re-render at worst), and the papers as sent of a meeting or
#: report.
RECORD_APPENDED = [
    ("governance.Event", "object_id"),
    ("governance.ApprovedVersion", "object_id"),
    ("governance.MinorAmendment", "object_id"),
    ("decisions.ConsideredPaper", "subject_object_id"),
]
RECORD_PAPERS = {
    "decisions.Meeting": "meeting_id",
    "decisions.Report": "report_id",
}

#: What changes with time alone on a record's page: paths from the record
#: to moments; the mark counts those passed.
RECORD_MOMENTS = {
    "decisions.DecisionRecord": ["takes_effect_at"],
    "decisions.Meeting": ["starts_at", "decisions__takes_effect_at"],
    "decisions.Report": ["agenda_items__meeting__starts_at"],
    "strategy.Strategy": ["approving_decision__takes_effect_at"],
    "workplan.Workplan": ["approving_decision__takes_effect_at"],
    "workplan.Review": ["decision__takes_effect_at"],
}


def has_record_mark(model):
    return model._meta.label in RECORD_SCOPE


def counted_marks(workplans, today):
    """Subqueries marking the delivery figures of `workplans` (a queryset of
    their ids): digests of their items' tally and of which are overdue
    `today` (`RECORD_COUNTED`)."""
    tally = apps.get_model("workplan.ItemTally").objects
    items = apps.get_model("workplan.WorkplanItem").objects
    return {
        "tally": rows_digest(tally.filter(workplan_id__in=workplans), TALLY_COLUMNS),
        "overdue": rows_digest(
            items.filter(workplan_id__in=workplans).overdue(today), ("id",)
        ),
    }


def _record_mark_queryset(label, organisation_id, record_id, now, today):
    from governance.models import Organisation

    model = apps.get_model(label)
    record = model._default_manager.filter(pk=record_id)
    marks = {}
    for index, (printed, field, path) in enumerate(RECORD_SCOPE[label]):
        history = apps.get_model(printed).history.model
        rows = history.objects.filter(**{f"{field}__in": record.values(path)})
        if (printed, field) in REPOINTABLE:
            # Every row that ever pointed here, pointed elsewhere since too.
            rows = history.objects.filter(id__in=rows.values("id"))
        marks[f"h{index}"] = Subquery(
            rows.order_by("-history_id").values("history_id")[:1]
        )
    type_field, id_field = LINKING_FIELDS
    for index, (printed, linking, field) in enumerate(RECORD_LINKS.get(label, [])):
        linking = apps.get_model(linking)
        if hasattr(linking, "history"):
            linking = linking.history.model
        naming = linking.objects.filter(
            **{
                f"{type_field}__app_label": model._meta.app_label,
                f"{type_field}__model": model._meta.model_name,
                id_field: record_id,
            }
        )
        history = apps.get_model(printed).history.model
        marks[f"l{index}"] = Subquery(
            history.objects.filter(id__in=naming.values(field))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
    for index, (appended, field) in enumerate(RECORD_APPENDED):
        marks[f"a{index}"] = Subquery(
            apps.get_model(appended)
            .objects.filter(**{field: record_id})
            .order_by("-pk")
            .values("pk")[:1]
        )
    if label in RECORD_PAPERS:
        marks["papers"] = Subquery(
            apps.get_model("decisions.ConsideredPaper")
            .objects.filter(**{RECORD_PAPERS[label]: record_id})
            .order_by("-pk")
            .values("pk")[:1]
        )
    for index, path in enumerate(RECORD_MOMENTS.get(label, [])):
        marks[f"t{index}"] = _count(record.filter(**{f"{path}__lte": now}))
    if label in RECORD_COUNTED:
        marks.update(counted_marks(record.values(RECORD_COUNTED[label]), today))
    return (
        Organisation.objects.filter(pk=organisation_id)
        .annotate(**marks)
        .values_list("version", *marks)
    )


#: Positive, and within a 32-bit key: Django answers a negative or
#: too large value on a positive integer field with no query at all.
_SOME_RECORD = 1_987_654_321
#: A stand-in for the day (overdue is overdue from a date).
_SOME_DAY = date(2001, 2, 3)


@compiled_at_start(over=[(label,) for label in RECORD_SCOPE])
def _record_mark_sql(label):
    """As `mark_sql`, for one record type's mark. Its constant parameters
    (the states an overdue item is not in, the record type's content type
    names) are kept as `("=", value)`."""
    sql, params = _record_mark_queryset(
        label, _SOME_COUNCIL, _SOME_RECORD, _SOME_MOMENT, _SOME_DAY
    ).query.sql_with_params()
    roles = []
    for param in params:
        if param == _SOME_COUNCIL:
            roles.append("council")
        elif param == _SOME_RECORD:
            roles.append("record")
        elif type(param) is datetime and param == _SOME_MOMENT:
            roles.append("now")
        elif type(param) is date and param == _SOME_DAY:
            roles.append("today")
        elif isinstance(param, str):
            roles.append(("=", str(param)))
        else:  # pragma: no cover - the query changed shape
            raise ValueError(f"unexpected parameter {param!r} in the mark's query")
    return sql, roles


def compiled(queryset_of, **placeholders):
    """A query of its own for a page, compiled once (by the caller, under
    `prepared.compiled_at_start`) to run as a prepared statement with `bound()`:
    `queryset_of(**placeholders)`, each placeholder standing for a value
    it is run with (a value no query would hold by chance, of its type:
    int or date). Returns `(sql, roles)`; every other parameter (a string
    constant of the query) is kept as it is."""
    sql, params = queryset_of(**placeholders).query.sql_with_params()
    by_value = {(type(value), value): name for name, value in placeholders.items()}
    roles = []
    for param in params:
        if (type(param), param) in by_value:
            roles.append(by_value[(type(param), param)])
        elif isinstance(param, str):
            roles.append(("=", str(param)))
        else:  # pragma: no cover - the query changed shape
            raise ValueError(f"unexpected parameter {param!r} in a page's query")
    return sql, roles


def bound(roles, values):
    """The parameters of a compiled query (`mark_sql`, `_record_mark_sql`,
    `compiled`): each role's value, or the constant kept."""
    return [role[1] if isinstance(role, tuple) else values[role] for role in roles]


def record_mark(organisation, model, pk):
    """A string that changes whenever anything the page of one record
    (`model`, `pk`, of `organisation` or its id) prints may have changed,
    and only then: its own rows and the rows it prints (`RECORD_SCOPE`),
    what happened to it, what moves with time on it, the council's version
    and the day. An edit to another record leaves it where it was. One
    query, compiled once per record type."""
    today = timezone.localdate()
    sql, roles = _record_mark_sql_of_day(model._meta.label, today)
    values = {
        "council": getattr(organisation, "pk", organisation),
        "record": int(pk),
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    with prepared_cursor() as cursor:
        cursor.execute(sql, bound(roles, values))
        row = cursor.fetchone()
    return _record_mark_text(model._meta.label, pk, row or ())


def _record_mark_text(label, pk, row):
    return (
        f"{label}.{pk}:"
        + ".".join(str(value or 0) for value in row)
        + f".{timezone.localdate()}"
    )


def day_written_in(sql, roles, today):
    """`sql` (compiled with `%s` parameters and their `roles`) with `today`
    written in where the day is a parameter, and the roles left. With the
    day a parameter PostgreSQL planned a record's mark afresh on every run
    (a plan not knowing the day scans every item of a strategy's workplans
    for the overdue ones: 45 ms at 200,000 items, against 6 ms planned with
    the day); written in, after five runs it keeps one plan for the day's
    runs (1.4 ms). A new day is a new statement."""
    pieces = sql.split("%s")
    if "today" not in roles or len(pieces) != len(roles) + 1:
        return sql, roles
    written, left = [pieces[0]], []
    for role, piece in zip(roles, pieces[1:], strict=True):
        if role == "today":
            written.append(f"DATE '{today.isoformat()}'")
        else:
            written.append("%s")
            left.append(role)
        written.append(piece)
    return "".join(written), left


@lru_cache(maxsize=64)
def _record_mark_sql_of_day(label, today):
    """`_record_mark_sql(label)` with `today` written in (`day_written_in`)."""
    return day_written_in(*_record_mark_sql(label), today)


@lru_cache(maxsize=64)
def _with_record_sql(label, today):
    """The council's mark and one record type's, side by side in one row
    (both queries give one row, of the council): one prepared statement."""
    council, council_roles = mark_sql()
    record, record_roles = _record_mark_sql_of_day(label, today)
    sql = (
        f"SELECT * FROM ({council}) AS council_mark "  # noqa: S608 - compiled queries, no text of anyone's
        f"CROSS JOIN ({record}) AS record_mark"
    )
    return sql, [*council_roles, *record_roles]


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
