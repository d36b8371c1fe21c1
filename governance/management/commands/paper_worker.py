"""`manage.py paper_worker`: the paper worker, supervised.

django-tasks-db's `db_worker`, made to keep going: its loop here catches
any error outside a task (the database stopped, a connection dropped) and
tries again with back-off (1 s, 2 s, 4 s ... at most 30 s) instead of
ending; it never runs under the autoreloader (whose thread died on such an
error and left the process standing idle); and it queues again, when it
starts and every few seconds (`sweep_seconds`), the paper jobs whose worker
stopped (`paper_store.recover_abandoned_jobs`), so a restarted worker picks
up what a killed one left. Same options as `db_worker`.

It runs at a lower CPU priority than the web server (`PAPER_WORKER_NICE`,
`lower_priority`): a page view is not kept waiting for a core by an agenda
pack being rendered.

It is the product's one background worker: at each sweep it also sends
what is due by e-mail (`notifications.deliver`: notifications as they
happen, daily and weekly digests, reminders of review updates due).
"""

import logging
import os
import random
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from governance import notifications, paper_store

logger = logging.getLogger("governance.paper_worker")


def sweep_seconds():
    """How often the worker looks for abandoned jobs: a third of the time
    after which a job counts as abandoned, at most 10 s."""
    return max(1, min(10, settings.PAPER_JOB_STALE_SECONDS // 3))


#: The longest wait between tries while the database is unreachable.
MAX_BACKOFF_SECONDS = 30


def send_notifications():
    """Send the e-mails that are due. A failure other than the database's
    is logged and tried again at the next sweep, so it never holds up papers."""
    try:
        counts = notifications.deliver()
    except DatabaseError:
        raise
    except Exception:  # noqa: BLE001 - papers must go on whatever mail does
        logger.exception("Sending notifications failed; trying again later")
        return
    if any(counts.values()):
        logger.info("Notifications: %s", counts)


def lower_priority(niceness):
    """Run this process (and the processes it starts) at CPU niceness
    `niceness`, if that is lower than its priority now; a process may always
    lower its own priority, never raise it again without privilege. Returns
    the niceness the process has."""
    if not 0 <= niceness <= 19:
        raise CommandError(
            f"PAPER_WORKER_NICE must be between 0 and 19 (it is {niceness})."
        )
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > current:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    return os.getpriority(os.PRIO_PROCESS, 0)


class PaperWorker(db_worker.Worker):
    def run(self):
        logger.info("Paper worker %s starting", self.worker_id)
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers started together
        failures, last_sweep = 0, None
        while self.running:
            try:
                close_old_connections()
                since = time.monotonic() - (last_sweep or 0)
                if last_sweep is None or since >= sweep_seconds():
                    for job in paper_store.recover_abandoned_jobs():
                        logger.warning("Queued again: %s", job)
                    send_notifications()
                    last_sweep = time.monotonic()
                ran = self.run_next()
            except Exception:  # noqa: BLE001 - keep working whatever happens between tasks
                failures += 1
                wait = min(2 ** (failures - 1), MAX_BACKOFF_SECONDS)
                logger.warning(
                    "Paper worker: the database is unreachable; trying again in %s s",
                    wait,
                    exc_info=failures == 1,
                )
                self.forget_connections()
                time.sleep(wait)
                continue
            if failures:
                logger.warning("Paper worker: the database is back")
                failures = 0
            if self.batch and not ran:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and not ran:
                time.sleep(self.interval)

    def run_next(self):
        """Take the next ready task and run it: True if there was one."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is None:
            return False
        self.run_task(task_result)
        close_old_connections()
        return True

    @staticmethod
    def forget_connections():
        """Drop connections the outage broke (the pool makes new ones)."""
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except Exception:  # noqa: BLE001, S110 - it is broken already
                pass


class Command(db_worker.Command):
    help = "Run the paper worker: db_worker that survives database outages"

    def handle(self, *, verbosity, queue_name, exclude_queues, **options):
        self.configure_logging(verbosity)
        niceness = lower_priority(settings.PAPER_WORKER_NICE)
        logger.info("Paper worker: CPU niceness %s", niceness)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PaperWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        # Never under the autoreloader (--reload is ignored): restart the
        # worker to load new code.
        worker.configure_signals()
        worker.run()
