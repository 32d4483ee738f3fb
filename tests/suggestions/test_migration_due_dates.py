"""Migration 0006 fills the new as-of fields of existing rows the way the services would:
decision dates of requests, when the current due date took effect, and the due date in
force on the first reply's date (so a past report reads the same after the upgrade)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("suggestions", "0005_add_list_order_index")]
AFTER = [("suggestions", "0006_add_due_dates_in_force_and_void")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_backfill_dates_due_dates_as_the_services_would():
    apps = _migrate(BEFORE)
    Department = apps.get_model("departments", "Department")
    Deputy = apps.get_model("departments", "Deputy")
    User = apps.get_model("departments", "User")
    Suggestion = apps.get_model("suggestions", "Suggestion")
    Assignment = apps.get_model("suggestions", "Assignment")
    ExtensionRequest = apps.get_model("suggestions", "ExtensionRequest")
    user = User.objects.create(username="migrator")
    first, second = (Department.objects.create(name=n) for n in ("区房管局", "区民政局"))
    deputy = Deputy.objects.create(name="王代表", level="district")

    def item(number, **fields):
        return Suggestion.objects.create(
            year=2024,
            number=number,
            source="session",
            title=f"建议{number}",
            lead_deputy=deputy,
            received_on=dt.date(2024, 1, 5),
            assigned_on=dt.date(2024, 1, 10),
            **fields,
        )

    # Extended on 2024-05-06 (decided at 10:00 Shanghai time), replied before the decision.
    extended = item(1, reply_due_on=dt.date(2024, 6, 10), first_replied_on=dt.date(2024, 5, 2))
    lead = Assignment.objects.create(
        suggestion=extended,
        department=first,
        role="lead",
        assigned_on=dt.date(2024, 1, 10),
        reply_due_on=dt.date(2024, 4, 10),
        extended_due_on=dt.date(2024, 6, 10),
    )
    ExtensionRequest.objects.create(
        assignment=lead,
        reason="需协调。",
        requested_due_on=dt.date(2024, 6, 10),
        requested_by=user,
        status="approved",
        decided_at=dt.datetime(2024, 5, 6, 2, 0, tzinfo=dt.UTC),
    )
    # Re-assigned on 2024-03-01 to the second department, not replied.
    moved = item(2, reply_due_on=dt.date(2024, 6, 1))
    Assignment.objects.create(
        suggestion=moved,
        department=first,
        role="lead",
        assigned_on=dt.date(2024, 1, 10),
        reply_due_on=dt.date(2024, 4, 10),
        is_active=False,
        ended_on=dt.date(2024, 3, 1),
    )
    Assignment.objects.create(
        suggestion=moved,
        department=second,
        role="lead",
        assigned_on=dt.date(2024, 3, 1),
        reply_due_on=dt.date(2024, 6, 1),
    )

    apps = _migrate(AFTER)
    Suggestion = apps.get_model("suggestions", "Suggestion")
    ExtensionRequest = apps.get_model("suggestions", "ExtensionRequest")
    assert ExtensionRequest.objects.get().decided_on == dt.date(2024, 5, 6)
    extended = Suggestion.objects.get(number=1)
    assert extended.reply_due_from == dt.date(2024, 5, 6)
    assert extended.first_reply_due_on == dt.date(2024, 4, 10)  # late, against the old date
    moved = Suggestion.objects.get(number=2)
    assert (moved.reply_due_from, moved.first_reply_due_on) == (dt.date(2024, 3, 1), None)
    # Back to the latest state, for the tests that follow.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
