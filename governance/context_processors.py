"""Template context every page needs: the council, the role, the navigation."""

from .navigation import navigation_for
from .permissions import roles_of


def navigation(request):
    # Someone who still owes a second-factor step can reach no other page.
    owes_step = getattr(request, "second_factor_step", None) is not None
    return {
        "current_organisation": getattr(request, "organisation", None),
        "current_role": getattr(request, "role", None),
        "nav_items": [] if owes_step else navigation_for(request),
        "user_organisations": roles_of(getattr(request, "user", None)),
    }
