"""Which records a decision can decide: apps register their models here.

`decisions` must not import the apps that build on it, so each registers
(in its `AppConfig.ready()`) a model and a function returning the records of
a council that are awaiting a decision. The decision form offers those.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType


@dataclass(frozen=True)
class Decidable:
    model: type
    #: organisation -> queryset of records a decision might decide.
    candidates: object


_REGISTRY = []


def register(model, candidates):
    _REGISTRY.append(Decidable(model, candidates))


def is_decidable(record):
    """Whether a decision can name `record` among the records it decides."""
    return any(isinstance(record, entry.model) for entry in _REGISTRY)


def choices_for(organisation, include=()):
    """(value, label) pairs "<content type id>:<pk>" for the decision form.

    `include` keeps records already named even if no longer candidates.
    """
    choices = []
    for decidable in _REGISTRY:
        content_type = ContentType.objects.get_for_model(decidable.model)
        records = list(decidable.candidates(organisation))
        already = {pk for ct, pk in include if ct == content_type.pk}
        extra = decidable.model._default_manager.filter(pk__in=already).exclude(
            pk__in=[record.pk for record in records]
        )
        for record in [*records, *extra]:
            label = f"{decidable.model._meta.verbose_name.capitalize()}: {record}"
            choices.append((f"{content_type.pk}:{record.pk}", label))
    return choices


def mark_readable(decided_records, user):
    """Set `readable` on each of a decision's `DecidedRecord`s: whether
    `user` (a person, or a `PublicReader`) may open the record's own page
    (a published decision names a record still awaiting approval, which
    members do not read yet). One query per kind of record."""
    by_type = defaultdict(set)
    for decided in decided_records:
        by_type[decided.content_type_id].add(decided.object_id)
    readable = set()
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        pks = model._default_manager.readable_by(user).filter(pk__in=ids)
        readable |= {(content_type_id, pk) for pk in pks.values_list("pk", flat=True)}
    for decided in decided_records:
        decided.readable = (decided.content_type_id, decided.object_id) in readable
    return decided_records
