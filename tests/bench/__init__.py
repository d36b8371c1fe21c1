"""`make bench`: figures for the workplan list page against the Django admin.

Not collected by pytest (no `test_*.py` here). `scripts/bench.sh` runs
`python -m tests.bench.run_bench`; see that module for what is measured.
"""
