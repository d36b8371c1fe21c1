"""Strategies carry a version number within their line of versions.

Existing rows are numbered by following `replaces`: a strategy that replaces
nothing is version 1 of a line of its own; a replacement is one more than the
strategy it replaces, in the same line. Historical rows take the numbers of
their strategy (so the history reads the same as the record).
"""

import uuid

from django.db import migrations, models


def number_the_versions(apps, schema_editor):
    Strategy = apps.get_model("strategy", "Strategy")
    HistoricalStrategy = apps.get_model("strategy", "HistoricalStrategy")
    replaces = dict(Strategy.objects.values_list("pk", "replaces_id"))
    placed = {}  # pk -> (line, version number)

    def place(pk):
        chain = []
        while pk is not None and pk not in placed and pk not in chain:
            chain.append(pk)
            pk = replaces.get(pk)
        line, number = placed.get(pk, (uuid.uuid4(), 0))
        for each in reversed(chain):
            number += 1
            placed[each] = (line, number)

    for pk in sorted(replaces):
        place(pk)
    for pk, (line, number) in placed.items():
        Strategy.objects.filter(pk=pk).update(line=line, version_number=number)
        HistoricalStrategy.objects.filter(id=pk).update(
            line=line, version_number=number
        )
    # History of a strategy no longer there: a line of its own.
    orphans = HistoricalStrategy.objects.filter(line__isnull=True)
    for pk in orphans.values_list("id", flat=True).distinct():
        HistoricalStrategy.objects.filter(id=pk).update(line=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0002_approved_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstrategy",
            name="line",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalstrategy",
            name="version_number",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="version"
            ),
        ),
        migrations.AddField(
            model_name="strategy",
            name="line",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="strategy",
            name="version_number",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="version"
            ),
        ),
        migrations.RunPython(number_the_versions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalstrategy",
            name="line",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="strategy",
            name="line",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name="strategy",
            constraint=models.CheckConstraint(
                condition=models.Q(("version_number__gte", 1)),
                name="strategy_version_number_from_one",
            ),
        ),
        migrations.AddConstraint(
            model_name="strategy",
            constraint=models.UniqueConstraint(
                fields=("line", "version_number"),
                name="strategy_version_number_unique_in_line",
                violation_error_message=(
                    "This strategy already has a version with this number."
                ),
            ),
        ),
    ]
