"""A council's people, as its administrators manage them.

Administrators reach only the people who hold a role in their council. The
one way to reach anybody else is to invite them by e-mail, and the invitation
gives a role only when its recipient accepts it. Nobody sees or sets another
person's password: an administrator can only have a password-reset link sent
to the person's own e-mail address. Every change is saved with its history
(who and why), and a council always keeps at least one administrator.
"""

import hashlib
import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .choices import Role
from .history import save_with_reason
from .models import Invitation, Membership
from .permissions import forget_roles


class PeopleRuleBroken(Exception):
    """A change that would break a rule about a council's people; nothing
    was changed. `str()` is the message to show."""


def hash_token(token):
    """What is kept of an invitation link's token (never the token itself)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _send(subject_template, body_template, context, address):
    """E-mail one person; a mail server that cannot be reached or refuses
    the message is a `PeopleRuleBroken` (so the change is not kept)."""
    subject = "".join(render_to_string(subject_template, context).splitlines())
    body = render_to_string(body_template, context)
    try:
        EmailMessage(subject=subject, body=body, to=[address]).send()
    except (OSError, smtplib.SMTPException) as error:
        raise PeopleRuleBroken(
            _("The email could not be sent. Try again later.")
        ) from error


def _link(request, path):
    return request.build_absolute_uri(path)


def _lock_for_change(membership):
    """Lock all the council's current memberships (always in the same
    order, so two administrators changing each other's roles at the same
    moment queue instead of deadlocking) and return the row of
    `membership` as saved — a bound form has already put the new values on
    the object it was given. Refused if the role has ended meanwhile."""
    rows = list(
        Membership.objects.select_for_update()
        .current()
        .filter(organisation_id=membership.organisation_id)
        .select_related("user")
        .order_by("pk")
    )
    for row in rows:
        if row.pk == membership.pk:
            row.council_memberships = rows
            return row
    raise PeopleRuleBroken(_("This person no longer has a role in the council."))


def _check_an_administrator_remains(locked, new_role=None):
    """Refuse to leave the council with no administrator (`locked` comes
    from `_lock_for_change`; `new_role` None means the role ends)."""
    others = [
        other
        for other in locked.council_memberships
        if other.pk != locked.pk and other.role == Role.ADMINISTRATOR
    ]
    if locked.role == Role.ADMINISTRATOR and new_role != Role.ADMINISTRATOR:
        if not others:
            raise PeopleRuleBroken(
                _(
                    "%(name)s is the council's only administrator. Give "
                    "someone else the administrator role first."
                )
                % {"name": locked.user.get_full_name() or locked.user.username}
            )


# --- invitations --------------------------------------------------------------


def invite(request, organisation, *, email, first_name, last_name, role, job_title):
    """Invite `email` to take `role` in `organisation`, by e-mail.

    An earlier invitation still pending for the same address is cancelled
    (its link stops working). Returns the invitation; the e-mail holds the
    only copy of its link.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        for earlier in (
            Invitation.objects.select_for_update()
            .pending()
            .filter(organisation=organisation, email__iexact=email)
        ):
            earlier.cancelled_at = timezone.now()
            save_with_reason(
                earlier, user=request.user, reason=_("Replaced by a new invitation")
            )
        invitation = Invitation(
            organisation=organisation,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            job_title=job_title,
            token_hash=hash_token(token),
            invited_by=request.user,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        save_with_reason(invitation, user=request.user, reason=_("Invitation sent"))
        # Sent inside the transaction: if the mail server refuses it, no
        # invitation is left behind that nobody was told about.
        _send(
            "registration/invitation_subject.txt",
            "registration/invitation_email.txt",
            {
                "invitation": invitation,
                "link": _link(
                    request, reverse("governance:invitation_accept", args=[token])
                ),
                "inviter": request.user.get_full_name() or request.user.username,
                "valid_days": settings.INVITATION_VALID_DAYS,
            },
            email,
        )
    return invitation


def pending_invitation(token):
    """The pending invitation whose link carries `token`, or None (unknown,
    forged, used, cancelled and expired tokens all answer None alike)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.pending()
        .select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def accepted_invitation(token):
    """The accepted invitation whose link carries `token`, or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(
            token_hash=hash_token(token), accepted_at__isnull=False
        )
        .select_related("organisation")
        .first()
    )


def lock_pending(invitation):
    """Lock `invitation`'s row until the transaction ends; whether it is
    still pending (neither accepted, cancelled nor expired)."""
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    return Invitation.objects.pending().filter(pk=invitation.pk).exists()


def accept(invitation, user):
    """`user` accepts `invitation`: they are given its role. Refused (nothing
    changes) if it was used, cancelled or expired meanwhile, or if they
    already hold a role in that council."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not Invitation.objects.pending().filter(pk=locked.pk).exists():
            raise PeopleRuleBroken(
                _("This invitation has already been used, cancelled or has expired.")
            )
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=locked.organisation)
            .first()
        )
        if membership is not None and membership.ended_at is None:
            raise PeopleRuleBroken(
                _("You already have a role in %(council)s.")
                % {"council": locked.organisation}
            )
        if membership is None:
            membership = Membership(user=user, organisation=locked.organisation)
        # Someone whose earlier role here ended gets it back on the same row,
        # so the records that name them still do.
        membership.role = locked.role
        membership.job_title = locked.job_title
        membership.ended_at = None
        inviter = locked.invited_by
        save_with_reason(
            membership,
            user=user,
            reason=_("Accepted an invitation from %(name)s")
            % {
                "name": (inviter.get_full_name() or inviter.username)
                if inviter
                else "-"
            },
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        save_with_reason(locked, user=user, reason=_("Invitation accepted"))
    forget_roles(user)
    return membership


def cancel(invitation, *, by):
    """Cancel a pending invitation: its link stops working."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at or locked.cancelled_at:
            raise PeopleRuleBroken(
                _("This invitation has already been accepted or cancelled.")
            )
        locked.cancelled_at = timezone.now()
        save_with_reason(locked, user=by, reason=_("Invitation cancelled"))


# --- memberships ---------------------------------------------------------------


def change_role(membership, *, role, job_title, by, reason):
    """Give the person another role (or job title) in the council."""
    with transaction.atomic():
        locked = _lock_for_change(membership)
        _check_an_administrator_remains(locked, role)
        locked.role = role
        locked.job_title = job_title
        save_with_reason(locked, user=by, reason=reason)
    return locked


def end_membership(membership, *, by, reason):
    """The person no longer holds any role in the council. The row stays
    (records name them) but gives no access; their account and any roles
    elsewhere are untouched. Inviting them again gives the role back."""
    with transaction.atomic():
        locked = _lock_for_change(membership)
        _check_an_administrator_remains(locked)
        locked.ended_at = timezone.now()
        save_with_reason(locked, user=by, reason=reason)
    forget_roles(membership.user)


def send_password_reset(request, user):
    """E-mail `user` a link to choose a new password (the same link as
    "Forgotten your password?"). Nobody else sees the link or the password."""
    if not user.email:
        raise PeopleRuleBroken(
            _("%(name)s has no e-mail address, so no link can be sent.")
            % {"name": user.get_full_name() or user.username}
        )
    if not user.is_active:
        raise PeopleRuleBroken(_("This account is switched off."))
    _send(
        "registration/password_reset_subject.txt",
        "registration/password_reset_email.html",
        {
            "email": user.email,
            "domain": request.get_host(),
            "site_name": _("ICT strategy governance"),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if request.is_secure() else "http",
        },
        user.email,
    )


def reset_second_factor(membership, *, by, reason):
    """Remove the person's authenticator app and recovery codes (they lost
    their phone): at their next sign-in they set up a new app. Their
    password is untouched, so nobody but them can sign in as them. The
    membership's history records who did it and why. An operator's
    (superuser's) second factor is the operators' own business."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = membership.user
    if user.is_superuser:
        raise PeopleRuleBroken(
            _(
                "%(name)s runs this installation: ask the other operators to "
                "reset their authenticator app."
            )
            % {"name": user.get_full_name() or user.username}
        )
    if user == by:
        raise PeopleRuleBroken(
            _("Replace your own authenticator app from your account page.")
        )
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        save_with_reason(
            locked,
            user=by,
            reason=_("Authenticator app reset: %(reason)s") % {"reason": reason},
        )
