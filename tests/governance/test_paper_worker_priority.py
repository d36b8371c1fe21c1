"""The paper worker runs at a lower CPU priority than the web server
(`PAPER_WORKER_NICE`), so a page view is not kept waiting for a core by a
paper being rendered. Each case runs in a child process: a process cannot
take back the priority it gave up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
from django.core.management import CommandError
from governance.management.commands.paper_worker import lower_priority
try:
    print(lower_priority(int(sys.argv[1])), os.getpriority(os.PRIO_PROCESS, 0))
except CommandError as error:
    print("refused:", error)
"""


def probe(niceness, start_at=0):
    """What `lower_priority(niceness)` does in a process started at
    niceness `start_at`: its answer and the process's niceness after."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(niceness)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.nice(start_at) if start_at else None,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_worker_lowers_its_priority_to_the_niceness_asked():
    base = os.getpriority(os.PRIO_PROCESS, 0)
    wanted = min(base + 10, 19)
    assert probe(wanted) == f"{wanted} {wanted}"


def test_a_worker_already_lower_stays_where_it_is():
    base = os.getpriority(os.PRIO_PROCESS, 0)
    if base + 15 > 19:
        pytest.skip("this process already runs too low to show it")
    assert probe(base + 5, start_at=15) == f"{base + 15} {base + 15}"


def test_a_niceness_outside_0_to_19_is_refused_and_changes_nothing():
    base = os.getpriority(os.PRIO_PROCESS, 0)
    assert (
        probe(20) == "refused: PAPER_WORKER_NICE must be between 0 and 19 (it is 20)."
    )
    assert (
        probe(-5) == "refused: PAPER_WORKER_NICE must be between 0 and 19 (it is -5)."
    )
    # the refusal left the probe at the priority it was started with
    assert probe(0) == f"{base} {base}"
