"""Dates as they happened: approvals dated by their decision, reviews by the
meeting or decision they were reported to, progress by the date of the
position (each beside the time it was recorded)."""

from zoneinfo import ZoneInfo

from django.db import migrations, models

LONDON = ZoneInfo("Europe/London")


def local_day(moment):
    return moment.astimezone(LONDON).date()


def fill_dates(apps, schema_editor):
    DecisionRecord = apps.get_model("decisions", "DecisionRecord")
    Meeting = apps.get_model("decisions", "Meeting")
    decision_days = dict(DecisionRecord.objects.values_list("pk", "decision_date"))
    for name in (
        "Workplan",
        "HistoricalWorkplan",
        "WorkplanItem",
        "HistoricalWorkplanItem",
    ):
        model = apps.get_model("workplan", name)
        for pk, decision_id in model.objects.exclude(
            approving_decision_id=None
        ).values_list("pk", "approving_decision_id"):
            if decision_id in decision_days:
                model.objects.filter(pk=pk).update(
                    approved_on=decision_days[decision_id]
                )
    meeting_days = {
        pk: local_day(starts_at)
        for pk, starts_at in Meeting.objects.values_list("pk", "starts_at")
    }
    for name in ("Review", "HistoricalReview"):
        model = apps.get_model("workplan", name)
        for row in model.objects.all().iterator():
            reported = None
            if row.closed_at is not None:
                reported = (
                    meeting_days.get(row.meeting_id)
                    or decision_days.get(row.decision_id)
                    or local_day(row.closed_at)
                )
            model.objects.filter(pk=row.pk).update(
                opened_on=local_day(row.opened_at), reported_on=reported
            )
    for name in ("ProgressUpdate", "HistoricalProgressUpdate"):
        model = apps.get_model("workplan", name)
        for pk, at in model.objects.values_list("pk", "at"):
            model.objects.filter(pk=pk).update(as_at=local_day(at))


def date_field(name, **kwargs):
    return models.DateField(verbose_name=name, **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0005_one_event_model_and_call_in_settings"),
        ("workplan", "0004_item_list_index"),
    ]

    operations = [
        *[
            migrations.RenameField(model, "approved_at", "approved_on")
            for model in (
                "workplan",
                "historicalworkplan",
                "workplanitem",
                "historicalworkplanitem",
            )
        ],
        *[
            migrations.AlterField(
                model_name=model,
                name="approved_on",
                field=models.DateField(
                    blank=True, editable=False, null=True, verbose_name="approved on"
                ),
            )
            for model in (
                "workplan",
                "historicalworkplan",
                "workplanitem",
                "historicalworkplanitem",
            )
        ],
        *[
            migrations.AddField(
                model_name=model,
                name="opened_on",
                field=date_field("started on", null=True),
            )
            for model in ("review", "historicalreview")
        ],
        *[
            migrations.AddField(
                model_name=model,
                name="reported_on",
                field=date_field("reported on", blank=True, null=True),
            )
            for model in ("review", "historicalreview")
        ],
        *[
            migrations.AddField(
                model_name=model,
                name="as_at",
                field=date_field("position as at", null=True),
            )
            for model in ("progressupdate", "historicalprogressupdate")
        ],
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model, name="opened_on", field=date_field("started on")
            )
            for model in ("review", "historicalreview")
        ],
        *[
            migrations.AlterField(
                model_name=model, name="as_at", field=date_field("position as at")
            )
            for model in ("progressupdate", "historicalprogressupdate")
        ],
    ]
