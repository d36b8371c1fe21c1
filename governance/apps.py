from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class GovernanceConfig(AppConfig):
    """Organisations, roles, access policy and the pieces the record apps share."""

    name = "governance"
    verbose_name = "Governance"


class GovernanceAdminConfig(AdminConfig):
    """The Django admin, for operators (superusers) only (see `admin_site.py`)."""

    default_site = "governance.admin_site.GovernanceAdminSite"
