"""Following records, the person's Notifications page, and the one-click
unsubscribe link every notification e-mail carries (see `notifications`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from . import notifications
from .models import Organisation
from .notifications import Follow, Frequency


def record_key(record):
    """What a follow button posts to name `record` ("item-12"), or "council"."""
    if isinstance(record, Organisation):
        return "council"
    return f"{notifications.kind_of(record)}-{record.pk}"


def find_followable(user, key, organisation):
    """(organisation, record or None) for `key`, among what `user` may see:
    404 for anything else (another council's record, a draft a member may
    not read, a key that names nothing)."""
    if key == "council":
        if organisation is None:
            raise Http404
        return organisation, None
    kind, _dash, pk = str(key).partition("-")
    model = notifications.followable_model(kind)
    if model is None or not pk.isdigit():
        raise Http404
    record = get_object_or_404(model._default_manager.visible_to(user), pk=pk)
    return record.organisation, record


def target_url(follow, record=None):
    """The page of what `follow` follows (`record`, if it is known)."""
    if follow.whole_council:
        return reverse(
            "governance:organisation_detail", args=[follow.organisation.slug]
        )
    record = record or follow.target
    if record is None:
        return ""
    if notifications.kind_of(record) == "committee":
        return reverse(
            "decisions:committee_detail", args=[follow.organisation.slug, record.pk]
        )
    return record.get_absolute_url()


class FollowView(View):
    """Follow a record (or the whole council), or stop. Only by POST; back
    to the page the button was on."""

    http_method_names = ["post"]

    def post(self, request):
        organisation, record = find_followable(
            request.user,
            request.POST.get("record", ""),
            getattr(request, "organisation", None),
        )
        name = str(record) if record is not None else organisation.name
        if request.POST.get("action") == "stop":
            notifications.unfollow(request.user, organisation, record)
            messages.success(
                request,
                _("You no longer follow %(name)s.") % {"name": name},
            )
        else:
            notifications.follow(request.user, organisation, record)
            messages.success(
                request,
                _(
                    "You are following %(name)s. Choose how often you hear "
                    "about changes on your Notifications page."
                )
                % {"name": name},
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("notifications")
        return redirect(back)


class NotificationsView(View):
    """What the person follows in the council they work in, how often they
    hear, and the changes they were told about lately."""

    template_name = "governance/notifications.html"

    def follows(self, request):
        return list(
            Follow.objects.filter(
                user=request.user, organisation=request.organisation
            ).select_related("content_type", "organisation")
        )

    def get(self, request):
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            return redirect("governance:choose_organisation")
        follows = self.follows(request)
        # Each followed record as the person may see it now, one query per
        # kind of record (one they can no longer see is listed unnamed).
        wanted = {}
        for follow in follows:
            if not follow.whole_council:
                wanted.setdefault(follow.content_type, set()).add(follow.object_id)
        seen = {}
        for content_type, ids in wanted.items():
            model = content_type.model_class()
            for record in model._default_manager.visible_to(request.user).filter(
                pk__in=ids
            ):
                seen[(content_type.pk, record.pk)] = record
        rows = []
        for follow in follows:
            record = seen.get((follow.content_type_id, follow.object_id))
            if follow.whole_council:
                name, url, key = organisation.name, target_url(follow), "council"
            elif record is not None:
                name, key = str(record), record_key(record)
                url = target_url(follow, record)
            else:
                name, url, key = _("A record you can no longer see"), "", ""
            rows.append(
                {
                    "follow": follow,
                    "name": name,
                    "url": url,
                    "key": key,
                    "field": f"frequency-{follow.pk}",
                }
            )
        since = notifications.since_for(request.user, organisation)
        recent = notifications.recent_for(request.user, organisation, since)
        notifications.mark_read(request.user, organisation)
        return render(
            request,
            self.template_name,
            {
                "rows": rows,
                "frequencies": Frequency.choices,
                "whole_council": any(f.whole_council for f in follows),
                "recent": recent,
                "since": since,
                "organisation": organisation,
            },
        )

    def post(self, request):
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            raise PermissionDenied(_("Choose the council you work in first."))
        valid = set(Frequency.values)
        for follow in self.follows(request):
            chosen = request.POST.get(f"frequency-{follow.pk}")
            if chosen in valid and chosen != follow.frequency:
                follow.frequency = chosen
                follow.save(update_fields=["frequency"])
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications")


@method_decorator(login_not_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The link in every notification e-mail. Works without signing in (the
    signed link is the proof); GET asks to confirm, POST (the button, or a
    mail program's RFC 8058 one-click POST) unsubscribes. A used link says
    so; an altered one is not found. Names no record."""

    template_name = "governance/unsubscribe.html"

    def parsed(self, token):
        parsed = notifications.read_token(token)
        if parsed is None:
            raise Http404
        return parsed

    def get(self, request, token):
        parsed = self.parsed(token)
        state = "confirm" if notifications.still_subscribed(parsed) else "already"
        return render(request, self.template_name, {"state": state, "what": parsed[0]})

    def post(self, request, token):
        parsed = self.parsed(token)
        stopped = notifications.unsubscribe(parsed)
        return render(
            request,
            self.template_name,
            {"state": "done" if stopped else "already", "what": parsed[0]},
        )
