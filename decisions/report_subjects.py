"""What a committee report presents: a strategy, a workplan or a review.

Like `decidable.py`, `decisions` knows nothing of the apps that build on it:
each registers (in its `AppConfig.ready()`) a model, the records of a council
a report may present, and the annexes its paper carries — the strategy in
full, the workplan appendix, the progress report — and what a report
written from that record starts with (`ReportDraft`: its title, purpose,
summary and the standard recommendations), so the officer types none of it.
"""

from collections import defaultdict
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
    #: record -> the `ReportDraft` a report written from it starts with.
    draft: object = None


@dataclass(frozen=True)
class ReportDraft:
    """What a report about a record starts with: the officer changes it."""

    title: str
    purpose: str = ""
    summary: str = ""
    #: The standard recommendations, in order.
    recommendations: tuple = ()
    #: The post whose report it is (e.g. the strategy's director), if known.
    report_of: object = None


_REGISTRY = {}


def register(model, candidates, annexes, version, draft=None):
    _REGISTRY[model] = ReportSubject(model, candidates, annexes, version, draft)


def value_of(record):
    """The form value ("<content type id>:<pk>") naming `record`."""
    return f"{ContentType.objects.get_for_model(record).pk}:{record.pk}"


def draft_from(value, organisation, user):
    """(record, `ReportDraft`) for the record `value` names, if it is one of
    `organisation`'s that a report may present and `user` may read; else
    None (another council's record is not found)."""
    try:
        content_type_id, object_id = (int(part) for part in value.split(":"))
        subject = _subject_for(content_type_id)
    except (ValueError, ContentType.DoesNotExist):
        return None
    if subject is None:
        return None
    record = (
        subject.candidates(organisation)
        .filter(pk__in=subject.model._default_manager.visible_to(user).values("pk"))
        .filter(pk=object_id)
        .first()
    )
    if record is None:
        return None
    draft = subject.draft(record) if subject.draft else ReportDraft(str(record))
    return record, draft


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


def kinds():
    """(value, label) for each kind of record a report may present, e.g.
    ("strategy", "Strategy"): for the reports list's filter."""
    return [
        (subject.model._meta.model_name, subject.model._meta.verbose_name.capitalize())
        for subject in _REGISTRY.values()
    ]


def content_type_of_kind(kind):
    """The content type of the kind named `kind` (a `kinds()` value), or None."""
    for model in _REGISTRY:
        if model._meta.model_name == kind:
            return ContentType.objects.get_for_model(model)
    return None


def label_subjects(reports):
    """Set `subject` on each of `reports`: the record it presents (or None),
    each of its own council. One query per kind of record."""
    wanted = defaultdict(set)
    for report in reports:
        if report.subject_content_type_id is not None:
            wanted[(report.subject_content_type_id, report.organisation_id)].add(
                report.subject_object_id
            )
    found = {}
    for (content_type_id, organisation_id), ids in wanted.items():
        subject = _subject_for(content_type_id)
        if subject is None:
            continue
        for record in subject.candidates(organisation_id).filter(pk__in=ids):
            found[(content_type_id, record.pk)] = record
    for report in reports:
        report.subject = found.get(
            (report.subject_content_type_id, report.subject_object_id)
        )
    return reports


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
