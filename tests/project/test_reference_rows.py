"""A transactional test's flush empties every table; tests/reference.py puts back what the
data migrations wrote, so no later test in the worker depends on the order it runs in."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from suggestions.models import CalendarDay
from suggestions.models import DeadlinePolicy


@pytest.mark.django_db(transaction=True)
def test_the_reference_rows_come_back_after_a_flush():
    days = CalendarDay.objects.count()
    assert days > 300 and DeadlinePolicy.objects.count() == 1
    CalendarDay.objects.all().delete()
    DeadlinePolicy.objects.all().delete()
    # The flush a transactional test ends with, as Django's test case runs it.
    call_command("flush", interactive=False, verbosity=0)
    assert CalendarDay.objects.count() == days
    assert DeadlinePolicy.objects.count() == 1
    assert Group.objects.filter(name="office").exists()
