"""Organisation-scoped querysets: the one way any view reaches a governed record.

Every model that belongs to an organisation uses `OrganisationScopedQuerySet`
(or a subclass), and every list, detail page, export, paper and feed starts
from `visible_to(user)` or `editable_by(user)`. A record outside the result
does not exist as far as the user is concerned: views answer 404.

What the public may read (the public site, its feeds and sitemap, the open
data API) is decided here too, and only here: every public page starts from
`public(organisation)`, which admits the rows `public_filter()` names. By
default nothing is public; each public model's queryset says what of it is
(docs/public-site.md).
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class PublicReader:
    """Anyone, signed in or not, reading `organisation`'s public site: code
    that serves both a person and the public (feeds, a strategy's delivery)
    takes a reader and asks `readable_by(reader)`."""

    organisation: object


class OrganisationScopedQuerySet(models.QuerySet):
    #: The lookup from this model to its Organisation.
    organisation_lookup = "organisation"

    def for_organisation(self, organisation):
        """Only the rows of one organisation (the council being worked in)."""
        return self.filter(**{self.organisation_lookup: organisation})

    def public_filter(self):
        """A Q object: the rows anyone, signed in or not, may read. Nothing,
        unless the model's queryset says otherwise."""
        return models.Q(pk__in=[])

    def public(self, organisation):
        """The rows of `organisation` the public may read: where every
        public page, feed, sitemap and API response starts."""
        return self.for_organisation(organisation).filter(self.public_filter())

    def readable_by(self, reader):
        """`visible_to(reader)` for a person, `public(organisation)` for a
        `PublicReader`."""
        if isinstance(reader, PublicReader):
            return self.public(reader.organisation)
        return self.visible_to(reader)

    def publishes_strategies_filter(self):
        """A Q object: rows of councils that publish their strategies,
        workplans and progress reports (`Organisation.publishes_strategies`)."""
        return models.Q(**{f"{self.organisation_lookup}__publishes_strategies": True})

    def visible_to(self, user):
        """Rows of the organisations in which `user` holds any role.

        Subclasses narrow this further by state (e.g. drafts only for their
        authors' organisation's officers and clerks) by overriding it and
        calling `super()`.
        """
        from .permissions import roles_of

        return self.filter(
            **{f"{self.organisation_lookup}__in": list(roles_of(user).keys())}
        )

    def editable_by(self, user):
        """Rows `user` may change: those of organisations where their role edits."""
        from .permissions import EDITING_ROLES, roles_of

        organisations = [
            organisation_id
            for organisation_id, role in roles_of(user).items()
            if role in EDITING_ROLES
        ]
        return self.filter(**{f"{self.organisation_lookup}__in": organisations})


class MemberReadableQuerySet(OrganisationScopedQuerySet):
    """Officers, clerks and administrators see all their council's rows;
    members (councillors) only those `member_filter()` admits, e.g. what has
    been approved or published to them."""

    def member_filter(self):
        """A Q object: the rows a member of the organisation may read."""
        raise NotImplementedError

    def visible_to(self, user):
        from .choices import Role
        from .permissions import roles_of

        roles = roles_of(user)
        staff = [org for org, role in roles.items() if role != Role.MEMBER]
        members = [org for org, role in roles.items() if role == Role.MEMBER]
        lookup = f"{self.organisation_lookup}__in"
        if not members:
            # The common case, kept free of joins the member rule may need.
            return self.filter(**{lookup: staff})
        return self.filter(
            models.Q(**{lookup: staff})
            | (models.Q(**{lookup: members}) & self.member_filter())
        )
