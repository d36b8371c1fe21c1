"""One event model with two times (issue: the record tells the truth).

Lifecycle events move into `Event`, each dated when it happened — the
meeting's date for a scrutiny step, the decision's date for an approval or a
review reported to it — as well as when it was recorded. Approved versions
are dated by their decision; minor amendments get the date they were made.
Councils may say their decisions are not subject to call-in.
"""

from zoneinfo import ZoneInfo

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

LONDON = ZoneInfo("Europe/London")


def local_day(moment):
    return moment.astimezone(LONDON).date()


def copy_lifecycle_events(apps, schema_editor):
    LifecycleEvent = apps.get_model("governance", "LifecycleEvent")
    Event = apps.get_model("governance", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Meeting = apps.get_model("decisions", "Meeting")
    DecisionRecord = apps.get_model("decisions", "DecisionRecord")
    types = {
        (ct.app_label, ct.model): ct.pk
        for ct in ContentType.objects.filter(app_label="decisions")
    }
    meeting_type = types.get(("decisions", "meeting"))
    decision_type = types.get(("decisions", "decisionrecord"))
    meeting_days = {
        pk: local_day(starts_at)
        for pk, starts_at in Meeting.objects.values_list("pk", "starts_at")
    }
    decision_days = dict(DecisionRecord.objects.values_list("pk", "decision_date"))
    sent_to = {}
    rows = []
    for event in LifecycleEvent.objects.order_by(
        "content_type_id", "object_id", "at", "pk"
    ).iterator():
        key = (event.content_type_id, event.object_id)
        recorded_day = local_day(event.at)
        link_day = None
        if event.link_content_type_id == meeting_type:
            link_day = meeting_days.get(event.link_object_id)
        elif event.link_content_type_id == decision_type:
            link_day = decision_days.get(event.link_object_id)
        happened = recorded_day
        if event.transition == "submit" and link_day is not None:
            sent_to[key] = link_day
            happened = min(recorded_day, link_day)
        elif event.transition == "record_scrutiny" and key in sent_to:
            happened = sent_to[key]
        elif event.transition in ("approve", "close_review") and link_day:
            happened = link_day
        rows.append(
            Event(
                content_type_id=event.content_type_id,
                object_id=event.object_id,
                transition=event.transition,
                from_status=event.from_status,
                to_status=event.to_status,
                happened_on=happened,
                recorded_at=event.at,
                recorded_by_id=event.by_id,
                comment=event.comment,
                link_content_type_id=event.link_content_type_id,
                link_object_id=event.link_object_id,
            )
        )
        if len(rows) >= 1000:
            Event.objects.bulk_create(rows)
            rows = []
    Event.objects.bulk_create(rows)


def date_approvals_and_amendments(apps, schema_editor):
    ApprovedVersion = apps.get_model("governance", "ApprovedVersion")
    MinorAmendment = apps.get_model("governance", "MinorAmendment")
    DecisionRecord = apps.get_model("decisions", "DecisionRecord")
    decision_days = dict(DecisionRecord.objects.values_list("pk", "decision_date"))
    for version in ApprovedVersion.objects.exclude(decision_id=None).iterator():
        day = decision_days.get(version.decision_id)
        if day is not None and day != version.approved_on:
            ApprovedVersion.objects.filter(pk=version.pk).update(approved_on=day)
    for amendment in MinorAmendment.objects.iterator():
        MinorAmendment.objects.filter(pk=amendment.pk).update(
            made_on=local_day(amendment.at)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("decisions", "0004_report_subject"),
        ("governance", "0007_organisation_second_factor_required_for_all"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("transition", models.CharField(max_length=40)),
                ("from_status", models.CharField(max_length=16)),
                ("to_status", models.CharField(max_length=16)),
                ("happened_on", models.DateField(verbose_name="happened on")),
                ("happened_at", models.DateTimeField(blank=True, null=True)),
                (
                    "recorded_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                ("comment", models.TextField(blank=True)),
                (
                    "link_object_id",
                    models.PositiveBigIntegerField(blank=True, null=True),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "link_content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["happened_on", "recorded_at", "pk"],
                "indexes": [
                    models.Index(
                        fields=["content_type", "object_id", "happened_on"],
                        name="governance__content_bfdeec_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(copy_lifecycle_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="LifecycleEvent"),
        # Approved versions: dated by their decision; withdrawn on referral.
        migrations.RemoveIndex(
            model_name="approvedversion", name="governance__content_f0e4e0_idx"
        ),
        migrations.RenameField(
            model_name="approvedversion", old_name="approved_at", new_name="approved_on"
        ),
        migrations.AlterField(
            model_name="approvedversion",
            name="approved_on",
            field=models.DateField(),
        ),
        migrations.AddField(
            model_name="approvedversion",
            name="withdrawn_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterModelOptions(
            name="approvedversion", options={"ordering": ["-approved_on", "-pk"]}
        ),
        migrations.AddIndex(
            model_name="approvedversion",
            index=models.Index(
                fields=["content_type", "object_id", "-approved_on"],
                name="governance__content_ae4b17_idx",
            ),
        ),
        # Minor amendments: the date made, beside the time recorded.
        migrations.AddField(
            model_name="minoramendment",
            name="made_on",
            field=models.DateField(null=True, verbose_name="date of the amendment"),
        ),
        migrations.RunPython(date_approvals_and_amendments, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="minoramendment",
            name="made_on",
            field=models.DateField(verbose_name="date of the amendment"),
        ),
        migrations.AlterModelOptions(
            name="minoramendment", options={"ordering": ["-made_on", "-at", "-pk"]}
        ),
        # Decisions not subject to call-in.
        migrations.AddField(
            model_name="organisation",
            name="decisions_subject_to_call_in",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Clear this if the council runs the committee system, or "
                    "another arrangement under which its decisions are not "
                    "subject to call-in."
                ),
                verbose_name="decisions can be called in",
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="decisions_subject_to_call_in",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Clear this if the council runs the committee system, or "
                    "another arrangement under which its decisions are not "
                    "subject to call-in."
                ),
                verbose_name="decisions can be called in",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="takes_effect_without_call_in",
            field=models.CharField(
                choices=[
                    ("decision", "the date of the decision"),
                    ("publication", "the date the decision is published"),
                ],
                default="publication",
                max_length=12,
                verbose_name="a decision not subject to call-in takes effect on",
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="takes_effect_without_call_in",
            field=models.CharField(
                choices=[
                    ("decision", "the date of the decision"),
                    ("publication", "the date the decision is published"),
                ],
                default="publication",
                max_length=12,
                verbose_name="a decision not subject to call-in takes effect on",
            ),
        ),
    ]
