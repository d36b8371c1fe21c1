"""Committees are managed by each council's clerks and administrators in the
app (`decisions/views.py`); the admin has no page for them."""
