"""gunicorn's production settings (`config/gunicorn.py`): the README's
server command boots with them, and each worker is warmed up and frozen."""

import gc
import logging
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config import gunicorn as gunicorn_config
from tests.bench.run_bench import free_port
from tests.test_setup_and_settings import clean_environment, current_database_url

ROOT = Path(__file__).resolve().parent.parent


def site_templates():
    found = [
        path
        for suffix in ("*.html", "*.txt")
        for path in (ROOT / "templates").rglob(suffix)
    ]
    assert len(found) > 100
    return found


def test_warm_up_reads_every_template_of_the_site():
    assert gunicorn_config.warm_up() == len(site_templates())


def test_warm_up_compiles_every_prepared_statement_the_pages_run():
    """Each statement registered with `compiled_at_start` (the principal,
    the data marks, each record type's mark, the kept pages' check, the
    workplan summary's and the delivery figures' marks) is compiled by the
    warm-up, for each of its arguments."""
    from governance.prepared import _AT_START

    names = {function.__name__ for function, _over in _AT_START}
    assert {
        "principal_sql",
        "mark_sql",
        "_record_mark_sql",
        "_check_sql",
        "_counted_sql",
        "_printed_sql",
    } <= names
    for function, _over in _AT_START:
        function.cache_clear()
        assert function.cache_info().currsize == 0
    gunicorn_config.warm_up()
    for function, over in _AT_START:
        assert function.cache_info().currsize == len(over), function.__name__


def test_a_compiled_statement_is_kept_once_however_its_arguments_are_passed():
    from governance.prepared import compiled_at_start

    calls = []

    @compiled_at_start(over=[(True,), (False,)])
    def some_sql(by_part=True):
        calls.append(by_part)
        return f"SELECT {by_part}"

    assert some_sql() == some_sql(True) == some_sql(by_part=True) == "SELECT True"
    assert some_sql(by_part=False) == some_sql(False) == "SELECT False"
    assert calls == [True, False]
    from governance import prepared

    prepared._AT_START.remove((some_sql, ((True,), (False,))))


def test_a_worker_is_frozen_once_warmed_up():
    class Worker:
        log = logging.getLogger("test")

    gc.unfreeze()
    try:
        gunicorn_config.post_worker_init(Worker())
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_the_readme_server_command_boots_a_warmed_sync_worker_a_core(db):
    expected = max(2, gunicorn_config.cores())
    assert gunicorn_config.workers == expected
    port = free_port()
    log = ROOT / "bench-results" / "test-gunicorn-config.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:config.gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "info",
            ],
            cwd=ROOT,
            env=clean_environment(
                DJANGO_SETTINGS_MODULE="config.settings.production",
                SECRET_KEY="x7#kq9!vL2p$Zr8@wN4m^Tb6&Yc1*Hd3(Jf5)Ge0-Ua_Si+Ro=Pn",
                ALLOWED_HOSTS="127.0.0.1",
                DATABASE_URL=current_database_url(),
                SECURE_SSL_REDIRECT="false",
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if log.read_text().count("worker warmed up") == expected:
                break
            assert server.poll() is None, log.read_text()
            time.sleep(0.2)
        text = log.read_text()
        assert text.count("worker warmed up") == expected, text
        assert f"{len(site_templates())} templates read" in text
        assert "Using worker: sync" in text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
