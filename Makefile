# The two commands: `make run` (set up and serve with demo data) and
# `make test` (lint and the whole test suite). See README.md.
.PHONY: run dev test test-faults bench db-start db-stop lint format update-reference-images

run:
	@scripts/run.sh

# For developers: `make run` with DEBUG on and the server restarting when
# the code changes.
dev:
	@DEV=1 scripts/run.sh

test:
	@scripts/test.sh $(PYTEST_ARGS)

# The fault-injection tests (killed workers, herds of requests) and the
# whole-site crawls (every page for every role at 320 px; page titles):
# slower, run apart from `make test` (CI runs both).
test-faults:
	@FAULTS=1 scripts/test.sh $(PYTEST_ARGS)

# Figures, not pass/fail: our workplan page against the admin (about 5 min),
# then the large papers (about 3 min), then a long history page (about 2 min).
# BENCH_ARGS=papers: the papers only; BENCH_ARGS=history: the history only;
# BENCH_ARGS=search: the search page at 1,000 and 100,000 items only;
# BENCH_ARGS=documents: the kept documents against static files only;
# BENCH_ARGS=load: 50 people using the site at once for a minute only
# (BENCH_ARGS="load --duration 120 --users 50"); BENCH_ARGS=bad-input: every
# filter, order and ?page= at 100,000 items and herds on cold documents only.
bench:
	@scripts/bench.sh $(BENCH_ARGS)

# The page images the paper layout tests compare with (tests/papers/
# reference/): after a deliberate change of layout, write them again, look at
# them, and commit them with the change.
update-reference-images:
	@scripts/setup.sh system test && scripts/setup.sh venv test && scripts/db.sh start \
	  && UPDATE_REFERENCE_IMAGES=1 .venv/bin/python -m pytest -p no:xdist -q tests/papers

db-start:
	@scripts/db.sh start

db-stop:
	@scripts/db.sh stop

lint:
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .
