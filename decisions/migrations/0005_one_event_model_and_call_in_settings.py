"""Decision events join the one event model, dated when they happened (the
publication, the call-in received, the call-in period's end); committees
may be outside call-in; a call-in outcome names the meeting that heard it."""

from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.db import migrations, models

LONDON = ZoneInfo("Europe/London")


def local_day(moment):
    return moment.astimezone(LONDON).date()


def copy_decision_events(apps, schema_editor):
    DecisionEvent = apps.get_model("decisions", "DecisionEvent")
    Event = apps.get_model("governance", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not DecisionEvent.objects.exists():
        return
    decision_type, _ = ContentType.objects.get_or_create(
        app_label="decisions", model="decisionrecord"
    )
    meeting_type, _ = ContentType.objects.get_or_create(
        app_label="decisions", model="meeting"
    )
    rows = []
    for event in (
        DecisionEvent.objects.select_related("decision")
        .order_by("decision_id", "at", "pk")
        .iterator()
    ):
        decision = event.decision
        happened_at = None
        happened_on = local_day(event.at)
        if event.transition == "publish" and decision.published_at:
            happened_at = decision.published_at
            happened_on = local_day(happened_at)
        elif event.transition == "call_in" and decision.called_in_at:
            happened_at = decision.called_in_at
            happened_on = local_day(happened_at)
        elif event.transition == "mark_effective" and decision.takes_effect_on:
            happened_on = min(decision.takes_effect_on, happened_on)
        rows.append(
            Event(
                content_type_id=decision_type.pk,
                object_id=decision.pk,
                transition=event.transition,
                from_status=event.from_status,
                to_status=event.to_status,
                happened_on=happened_on,
                happened_at=happened_at,
                recorded_at=event.at,
                recorded_by_id=event.by_id,
                comment=event.comment,
                link_content_type_id=meeting_type.pk,
                link_object_id=decision.meeting_id,
            )
        )
        if len(rows) >= 1000:
            Event.objects.bulk_create(rows)
            rows = []
    Event.objects.bulk_create(rows)


def call_in_help():
    return (
        "Clear this for a body whose decisions are not subject to call-in: a "
        "decision-making committee under the committee system, full council, "
        "a regulatory committee."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("decisions", "0004_report_subject"),
        ("governance", "0008_events_with_two_times"),
    ]

    operations = [
        migrations.RunPython(copy_decision_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="DecisionEvent"),
        migrations.AddField(
            model_name="committee",
            name="decisions_subject_to_call_in",
            field=models.BooleanField(
                default=True,
                help_text=call_in_help(),
                verbose_name="its decisions can be called in",
            ),
        ),
        migrations.AddField(
            model_name="historicalcommittee",
            name="decisions_subject_to_call_in",
            field=models.BooleanField(
                default=True,
                help_text=call_in_help(),
                verbose_name="its decisions can be called in",
            ),
        ),
        migrations.AddField(
            model_name="decisionrecord",
            name="subject_to_call_in",
            field=models.BooleanField(
                default=True, editable=False, verbose_name="subject to call-in"
            ),
        ),
        migrations.AddField(
            model_name="historicaldecisionrecord",
            name="subject_to_call_in",
            field=models.BooleanField(
                default=True, editable=False, verbose_name="subject to call-in"
            ),
        ),
        migrations.AddField(
            model_name="decisionrecord",
            name="call_in_heard_at",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="call_ins_heard",
                to="decisions.meeting",
                verbose_name="meeting that heard the call-in",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecisionrecord",
            name="call_in_heard_at",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="decisions.meeting",
                verbose_name="meeting that heard the call-in",
            ),
        ),
    ]
