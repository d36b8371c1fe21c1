"""Approved and published documents, rendered once per version and reader.

The page of a record in a final state (an approved strategy, a published
decision record, a closed review, a meeting whose agenda is published) is
the same for every reader of one class until the record changes: the
*document*. `CachedDocumentMixin` renders it once, keeps the HTML in
Django's cache (`settings.CACHES`, see the README's "Deploying to
production"), and on each request renders only the reader's own parts
around it: the header and navigation, the flash messages, the follow button
and the actions the reader may take.

The cache key holds what the reader may see and the version of everything
the document prints:

- the record (model and primary key) and its `version` if it has one,
  which moves on at every save, also when a list it guards changes
  (`versioned.move_on`);
- `data_mark()` (`governance/data_mark.py`): one query, prepared once per
  database connection, that moves when any record a page prints is saved
  or deleted anywhere, and with time (call-in periods ending, meetings
  beginning, the day) — so a related row (a progress update, a correction
  of a decision) is seen at once too. A view that names the kinds of rows
  its document prints only as the record's own (`unprinted_parts()`: a
  decision record prints its own resolutions, no other decision's) is
  kept instead by the rest of that mark and the record's own mark
  (`record_mark()`, read in the same query): another decision published,
  a progress update elsewhere, leave it kept;
- the reader's class: the record's council and the reader's role there
  (the only things `visible_to()` reads), plus any per-reader flags the
  document prints (`document_flags()`);
- a digest of the templates (a new release renders everything afresh).

The record itself is reached through `visible_to(user)` before anything is
read from the cache, so another council's user gets 404 and never a kept
body, and a member never reaches an officer-only draft (drafts are not
final, so they are never kept at all).

Conditional GET: the ETag is the document key plus the reader's own parts
(who is signed in, in which council, what the actions are, whether they
follow the record); a request holding it is answered `304 Not Modified`
with nothing rendered, unless a flash message is waiting to be shown. The
response is `Cache-Control: private, no-cache` (the browser keeps it, no
shared cache does, and it asks again each time).

The same session's next request for the page is answered before the view,
from what this answer leaves, while nothing it depended on has changed
(`kept_pages.py`, told by `kept_pages.tell()` here).
"""

import hashlib

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response

from . import kept_pages
from .data_mark import data_mark, template_digest
from .kept_queries import kept_query, reader_key
from .notifications import follow_of, following_expression
from .permissions import roles_of

#: How long a rendered document is kept (seconds). Its key changes with
#: every version, so this only bounds how long an unused one takes room.
DOCUMENT_CACHE_SECONDS = 24 * 60 * 60
#: Signed-in pages: the browser may keep them, no shared cache may, and the
#: browser asks again (with its ETag) each time.
PRIVATE = "private, no-cache"


def reader_class(user, organisation_id):
    """What `user` may see of `organisation_id`'s records: the council and
    their role in it (`visible_to()` reads nothing else)."""
    return f"{organisation_id}:{roles_of(user).get(organisation_id)}"


def digest(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


class CachedDocumentMixin:
    """For a `DetailView` whose page is a document plus the reader's parts.

    The page template prints `document` (the rendered `SafeString`, which
    the cache keeps as such) where the document goes;
    the document template (`document_template_name`) is rendered with
    `get_document_context()` and must print nothing of the reader beyond
    their class (no CSRF token: a document holding one is served but never
    kept). Records not `is_final()` are rendered in full every time, as a
    plain `DetailView` would.
    """

    #: The template of the part kept in the cache.
    document_template_name = None
    #: Whether the page has a follow button (`{% follow_button record
    #: following %}`): whether the reader follows the record is then asked
    #: once, for the ETag and the button.
    has_follow_button = False

    def is_final(self, record):
        """Whether `record` is in a state whose page may be kept."""
        raise NotImplementedError

    def get_plain_queryset(self):
        """The readable records with what the page's own parts print of
        the record itself (no prefetches: the document's data is read only
        when it is rendered)."""
        return self.model._default_manager.visible_to(self.request.user)

    def get_reader_context(self):
        """The reader's own parts around the document (actions and the
        like); also part of the ETag, so keep the values plain."""
        return {}

    def get_document_context(self):
        """What the document template prints (the record read in full)."""
        return {}

    def document_flags(self, reader_context):
        """Per-reader values the document prints, for its key."""
        return ()

    def unprinted_parts(self, record):
        """The parts of the council's data mark (`DataMark.of`: model labels)
        whose rows the document prints only where they are `record`'s own,
        which the record's mark (`data_mark.record_mark`) covers. None: the
        document is kept by the whole council's mark. Given, it is kept by
        the rest of the council's mark and the record's: a save elsewhere
        in the council of a row of those kinds (a progress update, another
        decision published) leaves it kept."""
        return None

    def get_marked_queryset(self, user):
        """`get_plain_queryset()` with, in the same query, whether `user`
        (the reader) follows the record (for a page with a follow button)."""
        queryset = self.get_plain_queryset()
        if self.has_follow_button and user.is_authenticated:
            return queryset.annotate(
                _following=following_expression(
                    user, self.model, queryset.organisation_lookup
                )
            )
        return queryset

    def document_key(self, record, reader_context, mark):
        organisation = record.organisation
        return "document:" + digest(
            record._meta.label,
            record.pk,
            getattr(record, "version", None),
            mark,
            reader_class(self.request.user, organisation.pk),
            self.document_flags(reader_context),
            template_digest(),
        )

    def get_marked_object(self):
        """The record through `get_marked_queryset()`, as `get_object()`
        reads it (404 if the reader may not read it, 403 if their role may
        not view it), with the query built and compiled once per class of
        reader (`kept_queries`: the querysets read the reader's roles, their
        id for the follow state, and nothing that moves with time; the
        readable records, `get_plain_queryset()`, are the reader's roles'
        alone)."""
        user = self.request.user
        key = ("document", type(self).__qualname__, reader_key(user))
        found = list(
            kept_query(
                key,
                lambda pk, reader: self.get_marked_queryset(reader).filter(pk=pk),
                record=int(self.kwargs[self.pk_url_kwarg]),
                reader=user,
                # One record by its key: one plan for any (`prepared.py`).
                prepared=True,
            )
        )
        if not found:
            raise Http404(f"No {self.model._meta.verbose_name} matches the query.")
        return self.checked(found[0])

    def get(self, request, *args, **kwargs):
        self.object = self.get_marked_object()
        if not self.is_final(self.object):
            # The full page, read through the view's own queryset.
            return super().get(request, *args, **kwargs)
        reader_context = self.get_reader_context()
        if self.has_follow_button:
            following = getattr(self.object, "_following", None)
            if following is None:
                following = (
                    follow_of(request.user, self.object.organisation, self.object)
                    is not None
                )
            reader_context["following"] = following
        organisation = self.object.organisation
        unprinted = self.unprinted_parts(self.object)
        if unprinted is None:
            mark = document_mark = data_mark(organisation)
        else:
            # The record's own mark read in the same query.
            mark = data_mark(organisation, record=self.object)
            document_mark = (mark.without(*unprinted), mark.record)
        key = self.document_key(self.object, reader_context, document_mark)
        etag = '"{}"'.format(
            digest(
                key,
                request.user.pk,
                request.session.session_key,
                getattr(getattr(request, "organisation", None), "pk", None),
                sorted(reader_context.items()),
            )
        )
        no_messages = not len(get_messages(request))
        # The next request of this session for this page may be answered
        # from what this answer leaves (`kept_pages.py`).
        kept_pages.tell(request, organisation.pk, mark, no_messages)
        if no_messages:
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                not_modified["ETag"] = etag
                not_modified["Cache-Control"] = PRIVATE
                return not_modified
        document = cache.get(key)
        if document is None:
            plain = self.object
            self.object = self.get_object()
            document = render_to_string(
                self.document_template_name,
                {
                    "object": self.object,
                    self.get_context_object_name(self.object): self.object,
                    **self.get_document_context(),
                },
                request,
            )
            if "csrfmiddlewaretoken" not in document:
                cache.set(key, document, DOCUMENT_CACHE_SECONDS)
            self.object = plain
        context = self.get_context_data(
            object=self.object, document=document, **reader_context
        )
        response = self.render_to_response(context)
        if no_messages:
            # A page showing a flash message has no ETag: asked for again,
            # it must not be answered 304 to the copy holding the message.
            response["ETag"] = etag
        response["Cache-Control"] = PRIVATE
        return response
