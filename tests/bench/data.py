"""The benchmark's data: workplans of many items, made with SQL.

`load_demo` has already built the councils, the people and the strategies
through the ordinary code. Here one workplan per size is made through the
ORM, and its items are copied from one template item by a single
`INSERT ... SELECT ... FROM generate_series(...)`: 100,000 rows take seconds,
where the ORM would take minutes. Every column the model has is copied from
the template unless it is varied below, so a new field on WorkplanItem needs
no change here.

The copies are plain rows: no history rows (django-simple-history records
only `save()`) and no milestones. List pages read neither.
"""

from django.db import connection, transaction
from django.db.models import Count

from governance.choices import Role
from governance.models import Membership, Organisation
from strategy.models import Strategy
from workplan.choices import Confidence, DeliveryStatus, WorkType
from workplan.models import Department, Workplan, WorkplanItem

COUNCIL = "ashcombe"
#: Financial years far from the demo's, one per size (unique per strategy).
FIRST_YEAR = 2090
DEPARTMENTS = [
    "Benefits and Revenues",
    "Customer Services",
    "Environmental Health",
    "Housing",
    "Legal and Democratic Services",
    "Planning and Building Control",
]
TITLES = [
    "Replace the telephony platform",
    "Move file shares to cloud storage",
    "Renew the firewall and remote access service",
    "Introduce multi-factor authentication for all staff",
    "Retire the legacy housing management system",
    "Publish open data on the council's website",
    "Digitise planning application records",
]


def reference(number):
    """The reference of the `number`-th item (1-based), as the SQL makes it."""
    return f"BN-{number:06d}"


def _quote(name):
    return connection.ops.quote_name(name)


@transaction.atomic
def build_workplans(sizes, *, one_theme=False, first_year=FIRST_YEAR):
    """One workplan per size, filled with that many items; returns the rows
    `[{"size", "workplan_id"}]`. With `one_theme`, every item is in the
    strategy's first theme."""
    council = Organisation.objects.get(slug=COUNCIL)
    strategy = (
        Strategy.objects.filter(organisation=council)
        .annotate(theme_count=Count("themes"))
        .order_by("-theme_count", "pk")
        .first()
    )
    if strategy is None or strategy.theme_count == 0:
        raise RuntimeError(
            "load_demo made no strategy with themes for Ashcombe: the "
            "benchmark needs one to attach its workplans to."
        )
    theme_ids = list(strategy.themes.order_by("position").values_list("pk", flat=True))
    if one_theme:
        theme_ids = theme_ids[:1]
    officer = (
        Membership.objects.filter(organisation=council, role=Role.OFFICER)
        .order_by("pk")
        .first()
    )
    departments = [
        Department.objects.get_or_create(organisation=council, name=name)[0].pk
        for name in DEPARTMENTS
    ]

    made = []
    for index, size in enumerate(sizes):
        workplan = Workplan(
            organisation=council,
            strategy=strategy,
            financial_year=first_year + index,
        )
        workplan.save()
        made.append({"size": size, "workplan_id": workplan.pk})
        _fill(workplan, size, council, theme_ids, officer, departments)
    return made


def _fill(workplan, size, council, theme_ids, officer, departments):
    template = WorkplanItem(
        organisation=council,
        workplan=workplan,
        reference="BN-TEMPLATE",
        title="Template",
        category=Confidence.CONFIDENT,
        work_type=WorkType.STATUTORY,
        theme_id=theme_ids[0],
    )
    template.save()

    # SQL for each column that varies from row to row (`g` is 1..size).
    varied = {
        "position": "g",
        "reference": "'BN-' || lpad(g::text, 6, '0')",
        "title": "(%(titles)s::text[])[1 + g %% %(n_titles)s] || ' (' || g || ')'",
        "description": (
            "'Deliver item ' || g || ' of the workplan, with the service "
            "leads, within the agreed budget and with a lessons-learned review.'"
        ),
        "theme": "(%(themes)s::bigint[])[1 + g %% %(n_themes)s]",
        "category": "(%(categories)s::text[])[1 + g %% %(n_categories)s]",
        "work_type": "(%(work_types)s::text[])[1 + g %% %(n_work_types)s]",
        "delivery_status": "(%(deliveries)s::text[])[1 + g %% %(n_deliveries)s]",
        "rag": "(ARRAY['', 'green', 'amber', 'red'])[1 + g %% 4]",
        "rag_reason": (
            "CASE WHEN g %% 4 = 3 THEN 'Supplier delay on item ' || g ELSE '' END"
        ),
        "percent_complete": "g %% 101",
        "start_date": "DATE '2090-04-01' + (g %% 200)",
        "target_date": "DATE '2090-04-01' + (g %% 200) + 30 + (g %% 90)",
        "budget": "(g %% 500) * 1000",
        "sponsor": "'Corporate Leadership Team'",
        "lead_officer": "CASE WHEN g %% 2 = 0 THEN %(officer)s::bigint END",
        "version": "1",
    }
    params = {
        "size": size,
        "template": template.pk,
        "titles": TITLES,
        "n_titles": len(TITLES),
        "themes": theme_ids,
        "n_themes": len(theme_ids),
        "categories": [choice.value for choice in Confidence],
        "n_categories": len(Confidence),
        "work_types": [choice.value for choice in WorkType],
        "n_work_types": len(WorkType),
        "deliveries": [choice.value for choice in DeliveryStatus],
        "n_deliveries": len(DeliveryStatus),
        "officer": officer.pk if officer else None,
    }
    columns, values = [], []
    for field in WorkplanItem._meta.concrete_fields:
        if field.primary_key or field.generated:
            # The search vector is PostgreSQL's to compute.
            continue
        columns.append(_quote(field.column))
        values.append(varied.get(field.name, f"t.{_quote(field.column)}"))
    table = _quote(WorkplanItem._meta.db_table)
    through = WorkplanItem.departments.through
    item_column = WorkplanItem._meta.get_field("departments").m2m_column_name()
    department_column = WorkplanItem._meta.get_field("departments").m2m_reverse_name()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} "
            f"FROM generate_series(1, %(size)s) AS g, {table} AS t "
            "WHERE t.id = %(template)s",
            params,
        )
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [template.pk])  # noqa: S608
        # One department for every item, a second for every third item.
        cursor.execute(
            f"INSERT INTO {_quote(through._meta.db_table)} "  # noqa: S608
            f"({_quote(item_column)}, {_quote(department_column)}) "
            "SELECT i.id, (%(departments)s::bigint[])"
            "[1 + (i.position + k) %% %(n_departments)s] "
            f"FROM {table} AS i, generate_series(0, 1) AS k "
            "WHERE i.workplan_id = %(workplan)s AND (k = 0 OR i.position %% 3 = 0)",
            {
                "departments": departments,
                "n_departments": len(departments),
                "workplan": workplan.pk,
            },
        )


def analyze():
    """VACUUM ANALYZE: statistics, and the visibility map that autovacuum
    keeps on a live server (without it, index-only scans of freshly
    bulk-loaded rows still read the table)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def item_count(workplan_id):
    return WorkplanItem.objects.filter(workplan_id=workplan_id).count()


# --- the other lists: meetings, decision records, strategies -------------------------

#: SQL for the columns that vary from copy to copy of each list's template
#: row (`g` is 1..size); every other column is copied.
LIST_COPIES = {
    "meetings": {
        "starts_at": "TIMESTAMPTZ '2090-01-05 18:00+00' + g * INTERVAL '1 day'",
        "venue": "'Committee Room ' || (1 + g %% 4)",
        "version": "1",
    },
    "decisions": {
        "title": "t.title || ' (' || g || ')'",
        "decision_date": "DATE '2090-01-05' + g",
        "version": "1",
    },
    "strategies": {
        "title": "t.title || ' (' || g || ')'",
        "line": "gen_random_uuid()",
        "version_number": "1",
        "replaces": "NULL",
        "version": "1",
    },
}


def list_models():
    from decisions.models import DecisionRecord, Meeting

    return {"meetings": Meeting, "decisions": DecisionRecord, "strategies": Strategy}


@transaction.atomic
def build_lists(size):
    """`size` more meetings, decision records and strategies for the
    council, each a copy of one of its own (made by `load_demo`) by one
    `INSERT ... SELECT ... FROM generate_series`: plain rows, no history."""
    council = Organisation.objects.get(slug=COUNCIL)
    for name, model in list_models().items():
        rows = (
            model.objects.filter(committee__organisation=council)
            if name == "meetings"
            else model.objects.filter(organisation=council)
        )
        template = rows.order_by("pk").first()
        if template is None:
            raise RuntimeError(f"load_demo made no {name} for {COUNCIL}")
        columns, values = [], []
        for field in model._meta.concrete_fields:
            if field.primary_key or field.generated:
                continue
            columns.append(_quote(field.column))
            values.append(
                LIST_COPIES[name].get(field.name, f"t.{_quote(field.column)}")
            )
        table = _quote(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(values)} "
                f"FROM generate_series(1, %(size)s) AS g, {table} AS t "
                "WHERE t.id = %(template)s",
                {"size": size, "template": template.pk},
            )
