"""Render and store the papers of every approved or published record whose
stored copy is missing or out of date (the public's versions of a decision
record or report only where something in it is withheld: `PaperKind.
prepared_for`) (after loading data, or after a
deployment that changed a paper template), so that the first person to ask
for one gets it at once.

By default the papers are handed to the background worker
(`manage.py paper_worker`); `--now` renders them in this process.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from governance import paper_store
from governance.models import Organisation


class Command(BaseCommand):
    help = (
        "Queue (or with --now, render) the papers of approved and published "
        "records that are not stored at their current version."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--council", help="Only this council (its slug); default: every council."
        )
        parser.add_argument(
            "--now", action="store_true", help="Render here instead of queueing."
        )

    def handle(self, *args, council=None, now=False, **options):
        organisations = Organisation.objects.all()
        if council:
            organisations = organisations.filter(slug=council)
            if not organisations.exists():
                raise CommandError(f"No council with the slug {council!r}.")
        started = time.monotonic()
        counts = {"current": 0, "queued": 0, "rendered": 0}
        for kind, organisation in (
            (kind, organisation)
            for kind in paper_store.all_kinds()
            for organisation in organisations
        ):
            for record in kind.model._default_manager.for_organisation(organisation):
                if not kind.is_final(record):
                    continue
                if kind.prepared_for is not None and not kind.prepared_for(record):
                    # A public version of a record withholding nothing:
                    # never served (the public get the paper of record).
                    continue
                key = paper_store.version_key(kind, record)
                if paper_store.stored(kind, record, key) is not None:
                    counts["current"] += 1
                elif now:
                    pdf, pages = paper_store.render(kind, record)
                    paper_store.store(kind, record, key, pdf, pages)
                    counts["rendered"] += 1
                else:
                    paper_store.start_job(kind, record, key, user=None)
                    counts["queued"] += 1
        self.stdout.write(
            f"Papers: {counts['current']} already current, {counts['queued']} "
            f"queued for the worker, {counts['rendered']} rendered "
            f"({time.monotonic() - started:.1f} s)."
        )
