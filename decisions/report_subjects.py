"""What a committee report presents: a strategy, a workplan or a review.

Like `decidable.py`, `decisions` knows nothing of the apps that build on it:
each registers (in its `AppConfig.ready()`) a model, the records of a council
a report may present, and the annexes its paper carries — the strategy in
full, the workplan appendix, the progress report.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType


@dataclass(frozen=True)
class ReportSubject:
    model: type
    #: organisation -> queryset of records a report may present.
    candidates: object
    #: record -> [(annex title, governance.papers.Part)], in annex order.
    annexes: object
    #: record -> a short string that changes when anything an annex prints does.
    version: object


_REGISTRY = {}


def register(model, candidates, annexes, version):
    _REGISTRY[model] = ReportSubject(model, candidates, annexes, version)


def _subject_for(content_type_id):
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return _REGISTRY.get(model)


def choices_for(organisation, include=None):
    """(value, label) pairs "<content type id>:<pk>" for the report form;
    `include` keeps the subject already named even if no longer offered."""
    choices = []
    for subject in _REGISTRY.values():
        content_type = ContentType.objects.get_for_model(subject.model)
        records = list(subject.candidates(organisation))
        if include and include[0] == content_type.pk:
            if include[1] not in {record.pk for record in records}:
                records += list(
                    subject.model._default_manager.for_organisation(
                        organisation
                    ).filter(pk=include[1])
                )
        for record in records:
            label = f"{subject.model._meta.verbose_name.capitalize()}: {record}"
            choices.append((f"{content_type.pk}:{record.pk}", label))
    return choices


def subject_of(report):
    """The record `report` presents, or None."""
    if report.subject_content_type_id is None:
        return None
    subject = _subject_for(report.subject_content_type_id)
    if subject is None:
        return None
    # Only ever a record of the report's own council.
    return (
        subject.model._default_manager.for_organisation(report.organisation_id)
        .filter(pk=report.subject_object_id)
        .first()
    )


def readable_by(record, user):
    """Whether `user` may open `record`'s own page (its model's
    `visible_to` rule)."""
    if record is None:
        return False
    return type(record)._default_manager.visible_to(user).filter(pk=record.pk).exists()


def annexes_of(report):
    """[(title, Part)] of the record `report` presents ([] if none)."""
    record = subject_of(report)
    if record is None:
        return []
    return _subject_for(report.subject_content_type_id).annexes(record)


def version_of(report):
    record = subject_of(report)
    if record is None:
        return "-"
    return _subject_for(report.subject_content_type_id).version(record)


def present(report, record, *, user, reason):
    """Make `report` present `record` (demo data, set-up scripts); saved with
    history only when it changes."""
    from governance.history import save_with_reason

    content_type = ContentType.objects.get_for_model(record)
    if (report.subject_content_type_id, report.subject_object_id) == (
        content_type.pk,
        record.pk,
    ):
        return report
    report.subject_content_type_id = content_type.pk
    report.subject_object_id = record.pk
    return save_with_reason(report, user=user, reason=reason)
