from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site of each council: its published business, no sign-in
    (docs/public-site.md)."""

    name = "public"
    verbose_name = "Public site"

    def ready(self):
        from . import public_papers  # noqa: F401  (registers the public pack)
