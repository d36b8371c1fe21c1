"""What workplans need a person now, for the home page."""

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from governance.data_mark import data_mark, template_digest
from governance.documents import digest, reader_class
from governance.home import Panel, register_panel
from governance.kept_queries import kept_query, reader_key
from governance.lifecycle import LifecycleStatus
from governance.policy import REVIEW, WORKPLAN

from .delivery import counted_mark, current_delivery, strategies_in_force
from .models import ProgressUpdate, Review, Workplan, WorkplanItem


@register_panel
def items_needing_my_update(request):
    """Officers: items they lead that have no update in an open review."""
    if not REVIEW.allows(request.user, "give_updates", request.organisation):
        return None
    open_reviews = Review.objects.filter(
        workplan=OuterRef("workplan"), status=Review.Status.OPEN
    )
    updated = ProgressUpdate.objects.filter(
        item=OuterRef("pk"), review__status=Review.Status.OPEN
    )
    items = list(
        WorkplanItem.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .in_the_plan()  # not an item whose addition awaits agreement
        .filter(lead_officer__user=request.user)
        .filter(Exists(open_reviews))
        .exclude(Exists(updated))
        .select_related("workplan")
        .annotate(
            open_review=Subquery(
                Review.objects.filter(
                    workplan=OuterRef("workplan"), status=Review.Status.OPEN
                )
                .order_by("-number")
                .values("pk")[:1]
            )
        )
        .order_by("workplan", "reference")[:20]
    )
    if not items:
        return None
    return Panel(
        _("Items you lead that need an update"),
        "workplan/home_items.html",
        {"items": items},
    )


@register_panel
def my_draft_workplans(request):
    if not WORKPLAN.allows(request.user, "create", request.organisation):
        return None
    drafts = list(
        Workplan.objects.visible_to(request.user)
        .for_organisation(request.organisation)
        .filter(status=LifecycleStatus.DRAFT)
        .filter(Q(created_by=request.user))
        .select_related("strategy")[:10]
    )
    if not drafts:
        return None
    return Panel(
        _("Your draft workplans"), "workplan/home_workplans.html", {"workplans": drafts}
    )


#: The parts of the council's data mark (`DataMark.of`) whose rows the
#: delivery panel prints: the strategies, their workplans and the reviews
#: reported; their items only as figures (`delivery.counted_mark`).
DELIVERY_PANEL_PRINTS = ("strategy.Strategy", "workplan.Workplan", "workplan.Review")
#: Seconds a drawn panel is kept; its key moves with every change, so this
#: only bounds how long an unused one takes room.
DELIVERY_PANEL_SECONDS = 24 * 60 * 60


@register_panel(order=10)
def how_delivery_is_going(request):
    """The council's strategies in force, each with its latest approved
    workplan's headline: what a councillor asks first. The same for every
    reader of one class until a figure or a row it prints changes: drawn
    once and kept, as the kept documents are (`governance/documents.py`)."""
    organisation, user = request.organisation, request.user
    key = "home-delivery:" + digest(
        reader_class(user, organisation.pk),
        data_mark(organisation).of(*DELIVERY_PANEL_PRINTS),
        counted_mark(organisation),
        template_digest(),
        translation.get_language(),
    )
    html = cache.get(key)
    if html is None:
        html = _delivery_panel(request)
        cache.set(key, html, DELIVERY_PANEL_SECONDS)
    if not html:
        return None
    return Panel(_("How delivery is going"), html=html)


def _delivery_panel(request):
    """The panel's body, or "" when no strategy is in force."""
    listed = list(
        kept_query(
            ("home", "strategies in force", reader_key(request.user)),
            lambda organisation, reader: strategies_in_force(organisation, reader)[:5],
            record=request.organisation.pk,
            reader=request.user,
        )
    )
    if not listed:
        return ""
    deliveries = current_delivery(request.organisation, request.user)
    return render_to_string(
        "workplan/home_delivery.html",
        {
            "rows": [
                {"strategy": strategy, "delivery": deliveries.get(strategy.pk)}
                for strategy in listed
            ]
        },
    )
