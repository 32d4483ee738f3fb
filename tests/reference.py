"""The rows the data migrations write (role groups, working-day calendar, deadline policy)
and their return after a flush.

A transactional test (`transaction=True`, `live_server`) ends by emptying every table.
Django then sends `post_migrate`, which makes the role groups again but not the calendar
nor the policy: without them, a later test in the same worker would compute deadlines
on a calendar with no working days, and pass or fail by the order xdist chose.
`restore_after_flush` answers that signal for the whole suite; tests/conftest.py
connects it. (A serialized-rollback test's flush sends no signal and restores its own
copy, so nothing collides.)"""

from __future__ import annotations

import importlib


def write_reference_data() -> None:
    """Run the data migrations' forward steps again; both are idempotent."""
    from django.apps import apps

    for module, step in (
        ("departments.migrations.0002_create_role_groups", "create_groups"),
        ("suggestions.migrations.0002_fill_calendar_and_policy", "fill"),
    ):
        getattr(importlib.import_module(module), step)(apps, None)


def restore_after_flush(sender, **kwargs) -> None:
    write_reference_data()
