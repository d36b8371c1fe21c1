"""A strategy's approval is dated by its decision, not by the click."""

from django.db import migrations, models


def date_by_decision(apps, schema_editor):
    DecisionRecord = apps.get_model("decisions", "DecisionRecord")
    days = dict(DecisionRecord.objects.values_list("pk", "decision_date"))
    for name in ("Strategy", "HistoricalStrategy"):
        model = apps.get_model("strategy", name)
        for pk, decision_id in model.objects.exclude(
            approving_decision_id=None
        ).values_list("pk", "approving_decision_id"):
            if decision_id in days:
                model.objects.filter(pk=pk).update(approved_on=days[decision_id])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0005_one_event_model_and_call_in_settings"),
        ("strategy", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("strategy", "approved_at", "approved_on"),
        migrations.RenameField("historicalstrategy", "approved_at", "approved_on"),
        migrations.AlterField(
            model_name="strategy",
            name="approved_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="approved on"
            ),
        ),
        migrations.AlterField(
            model_name="historicalstrategy",
            name="approved_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="approved on"
            ),
        ),
        migrations.RunPython(date_by_decision, migrations.RunPython.noop),
    ]
