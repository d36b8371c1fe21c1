from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The open data API: the public records of each council, read-only, as
    JSON and CSV under the Open Government Licence (docs/open-data-api.md)."""

    name = "api"
    verbose_name = "Open data API"

    def ready(self):
        from . import schema  # noqa: F401  (describes the tokens in the schema)
