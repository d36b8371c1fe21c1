"""The service navigation, by role.

Each entry names its page and the roles that see it; later features add
their sections (strategies, workplans, decisions, meetings) here.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .permissions import ALL_ROLES


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset
    #: Whether the URL takes the current organisation's slug.
    per_organisation: bool = False


NAVIGATION = [
    NavEntry(_("Home"), "governance:home", ALL_ROLES),
    NavEntry(_("Strategies"), "strategy:strategy_list", ALL_ROLES),
    NavEntry(_("Workplans"), "workplan:workplan_list", ALL_ROLES),
    NavEntry(_("Meetings"), "decisions:meeting_list", ALL_ROLES),
    NavEntry(_("Reports"), "decisions:report_list", ALL_ROLES),
    NavEntry(_("Decisions"), "decisions:decision_list", ALL_ROLES),
    NavEntry(
        _("Committees"), "decisions:committee_list", ALL_ROLES, per_organisation=True
    ),
    NavEntry(
        _("Council"), "governance:organisation_detail", ALL_ROLES, per_organisation=True
    ),
    NavEntry(
        _("People"),
        "governance:people",
        frozenset({Role.ADMINISTRATOR}),
        per_organisation=True,
    ),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


@lru_cache(maxsize=1024)
def _address(url_name, args, script_prefix, urlconf):
    """`reverse(url_name, args)`, kept: the same for every request with the
    same script prefix and URLconf (read by `reverse()` itself), and eight
    of them on every page took half a millisecond."""
    return reverse(url_name, args=args, urlconf=urlconf)


def navigation_for(request):
    """The navigation items `request`'s user sees, with the current one marked."""
    organisation = getattr(request, "organisation", None)
    role = getattr(request, "role", None)
    if organisation is None or role is None:
        return []
    found = []
    for entry in NAVIGATION:
        if role not in entry.roles:
            continue
        args = (organisation.slug,) if entry.per_organisation else ()
        found.append(
            (
                entry.label,
                _address(entry.url_name, args, get_script_prefix(), get_urlconf()),
            )
        )
    # The current section is the longest address the page's starts with
    # (the council's committees are under the council's page).
    current = max(
        (
            url
            for _label, url in found
            if (request.path == "/" if url == "/" else request.path.startswith(url))
        ),
        key=len,
        default=None,
    )
    return [NavItem(label, url, url == current) for label, url in found]
