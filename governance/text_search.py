"""Full-text search's stored vectors: one `search_vector` column per
searchable model, computed by PostgreSQL from the row's own text (a
`GeneratedField`, so every path that writes the row, `bulk_create` in the
importer included, keeps it right) and GIN-indexed. See docs/search.md."""

from functools import reduce
from operator import add

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

#: English stemming ("renewing" finds "renewal"); fixed, so that the
#: generated column is immutable as PostgreSQL requires.
CONFIG = "english"


def search_vector(**weights):
    """A stored, generated `tsvector` of the given fields, each with its
    weight: `search_vector(title="A", body="B")`. Titles are weighted A,
    the main text B, the rest C, so a title match ranks first."""
    vectors = [
        SearchVector(field, weight=weight, config=CONFIG)
        for field, weight in weights.items()
    ]
    return models.GeneratedField(
        expression=reduce(add, vectors),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )


def search_index(model_name):
    """The GIN index on a model's `search_vector`."""
    return GinIndex(fields=["search_vector"], name=f"{model_name}_search_gin")
