"""The mixed-load benchmark's journeys (`tests/bench/load.py`, run by
`scripts/bench.sh load`): its data built on council A, every path its
simulated people ask for resolves and answers them, its forms read as the
locustfile reads them post back as saves, and the locustfile imports with
the plan (in a process of its own: Locust patches the standard library as
it is imported). Not timed: the benchmark measures; this checks it runs."""

import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import resolve

from decisions.models import Meeting
from decisions.views import MeetingPackView
from tests.base import approve_workplan, make_item
from tests.bench.load import build_data, every_path, sign_everyone_in
from tests.bench.load_forms import changed, page_form, progress_given

ROOT = Path(__file__).resolve().parents[1]
COUNTS = {"members": 2, "officers": 2, "clerks": 1, "pack_requesters": 1}


def post_back(client, path, updates):
    """What `locustfile.Person.edit` does: GET the form (following a
    redirect), POST its fields back with `updates(fields)`."""
    page = client.get(path, follow=True)
    assert page.status_code == 200, path
    fields = page_form(page.content.decode())
    assert fields is not None, f"no form at {path}"
    return client.post(
        page.request["PATH_INFO"],
        data=urlencode(changed(fields, updates(fields))),
        content_type="application/x-www-form-urlencoded",
    ), dict(fields)


@pytest.mark.long
def test_the_load_journeys_run_on_the_bench_data(cast, business, client_for, tmp_path):
    make_item(cast, business.workplan, "WP02")
    approve_workplan(cast, business, business.workplan)
    plan = build_data(cast.council_a, COUNTS, drafts_per_clerk=2, prefix="t")
    for path in every_path(plan):
        resolve(urlsplit(path).path)

    member = client_for(plan["members"][0]["user"])
    reading = plan["reading"]
    for path in [
        reading["strategy_list"],
        reading["workplan_list"],
        reading["decision_list"],
        *reading["strategies"],
        *reading["workplans"],
        *reading["decisions"],
    ]:
        assert member.get(path).status_code == 200, path

    officers = plan["officers"]
    assert all(officer["items"] for officer in officers)
    shared = set(officers[0]["items"]) & set(officers[1]["items"])
    assert not shared, "two officers would update the same item"
    officer = client_for(officers[0]["user"])
    for path in plan["filters"] + plan["exports"]:
        assert officer.get(path).status_code == 200, path
    saved, fields = post_back(
        officer, officers[0]["items"][0], lambda fields: progress_given(fields, 37, 1)
    )
    assert saved.status_code == 302
    assert "version" in fields and "delivery_status" in fields

    account = plan["clerks"][0]
    clerk = client_for(account["user"])
    assert clerk.get(account["meeting"]).status_code == 200
    saved, fields = post_back(
        clerk,
        account["agenda"],
        lambda fields: {"agenda_items-0-title": "Edited by the load"},
    )
    assert saved.status_code == 302
    assert "version" in fields
    assert not any("__prefix__" in name for name in fields)
    saved, _ = post_back(clerk, account["drafts"][0], lambda fields: {})
    assert saved.status_code == 302

    # The pack itself is not asked for here: the tests' task backend would
    # render it inline (seconds); its path is the meeting's pack, readable
    # by its requester.
    pack_meeting = Meeting.objects.get(pk=plan["pack_meeting_id"])
    assert resolve(plan["pack"]).func.view_class is MeetingPackView
    assert resolve(plan["pack"]).kwargs == {"pk": pack_meeting.pk}
    assert pack_meeting.agenda_pack_readable_by(plan["pack_requesters"][0]["user"])

    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(sign_everyone_in(plan)))
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tests.bench import locustfile as f; "
            "print(f.Member.fixed_count, f.Officer.fixed_count, "
            "f.Clerk.fixed_count, f.PackRequester.fixed_count)",
        ],
        cwd=ROOT,
        env={"BENCH_LOAD_PLAN": str(plan_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["2", "2", "1", "1"]


@pytest.mark.django_db
def test_answers_under_load_say_where_the_time_went(rf, django_assert_num_queries):
    """The load's settings answer with a `Server-Timing` header
    (`tests/bench/server_timing.py`) that the locustfile reads back."""
    from django.contrib.auth import get_user_model
    from django.http import HttpResponse

    from tests.bench.server_timing import ServerTiming

    def view(request):
        get_user_model().objects.exists()
        return HttpResponse("ok")

    with django_assert_num_queries(1):
        header = ServerTiming(view)(rf.get("/"))["Server-Timing"]
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tests.bench import locustfile as f; "
            "t = f.server_timing(sys.argv[1]); "
            "print(sorted(t), t['app'] >= t['db'] > 0, t['cpu'] >= 0, "
            "abs(t['start'] / 1000 - float(sys.argv[2])) < 60)",
            header,
            str(time.time()),
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.split("]")[0] == "['app', 'cpu', 'db', 'start'"
    assert read.stdout.split("]")[1].split() == ["True", "True", "True"]


def test_the_wait_outside_the_app_is_split_at_the_apps_start(tmp_path, capsys):
    """`read_server_timing` gives each step's wait before the app (from
    `start`) beside the wait outside it in all; rows without `start` (an
    older locustfile's) still give the rest."""
    from tests.bench import load

    prefix = tmp_path / "load"
    rows = [[40.0 + n, 20.0, 10.0, 5.0, float(n)] for n in range(20)]
    load.timing_path(prefix).write_text(
        json.dumps({"member: home": rows, "old step": [r[:4] for r in rows]})
    )
    found = load.read_server_timing(prefix)
    assert found["member: home"]["before_p95_ms"] == 19.0
    assert found["member: home"]["outside_p95_ms"] == 39.0
    assert found["old step"]["before_p95_ms"] is None
    assert found["old step"]["requests"] == 20
    load.report_timing(found)
    printed = capsys.readouterr().out
    assert "before" in printed and "member: home" in printed


def test_the_machines_speed_is_measured_in_cpu_seconds():
    from tests.bench import load

    speed = load.machine_speed()
    assert isinstance(speed, float)
    assert 0 < speed < 60
