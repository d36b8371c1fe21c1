from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


def install_data_changes(using="default", **kwargs):
    from . import data_changes

    data_changes.install(using=using)


class GovernanceConfig(AppConfig):
    """Organisations, roles, access policy and the pieces the record apps share."""

    name = "governance"
    verbose_name = "Governance"

    def ready(self):
        from django.db.models.signals import post_migrate
        from simple_history.signals import post_create_historical_record

        from . import followed_changes  # noqa: F401  (registers its home panel)
        from .history import keep_diff_of_recorded_change

        # Word diffs of long texts are worked out once, as each change is
        # recorded (`governance.diff_store`).
        post_create_historical_record.connect(
            keep_diff_of_recorded_change,
            dispatch_uid="governance.keep_diff_of_recorded_change",
        )
        # The data mark's changes are recorded by triggers
        # (`governance.data_changes`), (re)installed after every migrate.
        post_migrate.connect(install_data_changes, sender=self)


class GovernanceAdminConfig(AdminConfig):
    """The Django admin, for operators (superusers) only (see `admin_site.py`)."""

    default_site = "governance.admin_site.GovernanceAdminSite"
