"""Which records a decision can decide: apps register their models here.

`decisions` must not import the apps that build on it, so each registers
(in its `AppConfig.ready()`) a model and a function returning the records of
a council that are awaiting a decision. The decision form offers those.
"""

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
