"""Template context every page needs: the council, the role, the navigation."""

from .navigation import navigation_for
from .permissions import roles_of


def navigation(request):
    return {
        "current_organisation": getattr(request, "organisation", None),
        "current_role": getattr(request, "role", None),
        "nav_items": navigation_for(request),
        "user_organisations": roles_of(getattr(request, "user", None)),
    }
