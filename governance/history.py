"""Writing and reading the history every governed record keeps.

django-simple-history records each `save()` and `delete()`; this module
makes every write say who made it and why.
"""


def save_with_reason(obj, *, user, reason):
    """Save `obj`, recording `user` and `reason` on the history row."""
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj
