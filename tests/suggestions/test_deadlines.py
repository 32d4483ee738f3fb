"""Deadline arithmetic (DESIGN §4) and the deadline state of lists.

The working-day expectations are written from the State Council's published holiday
arrangements (国务院办公厅关于2024年部分节假日安排的通知), not from the code under test:

    春节 2024: 2月10日至17日放假调休，共8天；2月4日（星期日）、2月18日（星期日）上班。
    中秋 2024: 9月15日至17日放假调休；9月14日（星期六）上班。
    国庆 2024: 10月1日至7日放假调休，共7天；9月29日（星期日）、10月12日（星期六）上班。
"""

import datetime as dt

import pytest
from django.urls import reverse

from suggestions import services
from suggestions.deadlines import WorkingCalendar
from suggestions.deadlines import add_months
from suggestions.deadlines import add_working_days
from suggestions.deadlines import calendar_covers
from suggestions.deadlines import calendar_range
from suggestions.deadlines import is_working_day
from suggestions.deadlines import working_days_between
from suggestions.models import Assignment
from suggestions.models import CalendarDay
from suggestions.models import DeadlinePolicy
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.selectors import DeadlineState
from suggestions.selectors import due_soon_limit
from suggestions.selectors import filter_due_soon
from suggestions.selectors import filter_overdue
from suggestions.selectors import with_deadline_state
from tests.conftest import at

D = dt.date

# ---------------------------------------------------------------------------------------
# Calendar months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # clamps to February's end
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # across the year end, into a leap February
        (D(2023, 3, 31), 3, D(2023, 6, 30)),  # June has 30 days
        (D(2024, 2, 1), 3, D(2024, 5, 1)),  # a plain case
        (D(2024, 3, 10), 1, D(2024, 4, 10)),  # the rework month of the journey
        (D(2024, 10, 15), 3, D(2025, 1, 15)),  # across the year end
        (D(2024, 5, 31), 12, D(2025, 5, 31)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 6, 15), 0, D(2024, 6, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# ---------------------------------------------------------------------------------------
# Working days


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 2, 4), True),  # Sunday, make-up working day before the Spring Festival
        (D(2024, 2, 18), True),  # Sunday, make-up working day after it
        (D(2024, 2, 9), True),  # Friday, New Year's Eve: officially a working day in 2024
        (D(2024, 2, 10), False),  # Saturday, first day of the holiday
        (D(2024, 2, 12), False),  # Monday inside the holiday
        (D(2024, 2, 16), False),  # Friday inside the holiday
        (D(2024, 2, 17), False),  # Saturday, last day of the holiday
        (D(2024, 2, 19), True),  # Monday after
        (D(2024, 3, 9), False),  # an ordinary Saturday
        (D(2024, 3, 10), False),  # an ordinary Sunday
        (D(2024, 3, 11), True),  # an ordinary Monday
        (D(2024, 10, 1), False),  # National Day
        (D(2024, 10, 12), True),  # Saturday, make-up working day
    ],
)
def test_is_working_day_follows_the_official_arrangement(day, working):
    assert is_working_day(day) is working


@pytest.mark.django_db
def test_the_migration_filled_the_2024_spring_festival_with_names():
    days = dict(
        CalendarDay.objects.filter(date__range=(D(2024, 2, 3), D(2024, 2, 19))).values_list(
            "date", "name"
        )
    )
    assert days[D(2024, 2, 4)] == "春节调休上班"
    assert days[D(2024, 2, 18)] == "春节调休上班"
    assert days[D(2024, 2, 12)] == "春节"
    assert days[D(2024, 2, 9)] == ""
    holidays = CalendarDay.objects.filter(
        date__range=(D(2024, 2, 1), D(2024, 2, 29)), is_working_day=False
    ).exclude(date__week_day__in=[1, 7])  # weekdays only (Django: 1 = Sunday, 7 = Saturday)
    # Mon 02-12 .. Fri 02-16 are the weekday holidays of the 8-day break.
    assert sorted(holidays.values_list("date", flat=True)) == [
        D(2024, 2, 12),
        D(2024, 2, 13),
        D(2024, 2, 14),
        D(2024, 2, 15),
        D(2024, 2, 16),
    ]


@pytest.mark.django_db
def test_add_working_days_across_the_spring_festival():
    # From Thu 2024-02-08: Fri 02-09 (1), [02-10..02-17 holiday], Sun 02-18 (2, make-up),
    # Mon 02-19 (3), Tue 02-20 (4), Wed 02-21 (5).
    assert add_working_days(D(2024, 2, 8), 5) == D(2024, 2, 21)
    # From Thu 2024-02-01: Fri 02-02 (1), Sun 02-04 (2, make-up), 02-05 (3), 02-06 (4),
    # 02-07 (5).
    assert add_working_days(D(2024, 2, 1), 5) == D(2024, 2, 7)
    # Backwards from Mon 2024-02-19: Sun 02-18 (1), then back over the holiday to
    # Fri 02-09 (2) and Thu 02-08 (3).
    assert add_working_days(D(2024, 2, 19), -3) == D(2024, 2, 8)
    assert add_working_days(D(2024, 2, 8), 0) == D(2024, 2, 8)


@pytest.mark.django_db
def test_working_days_between_across_the_spring_festival():
    # (02-08, 02-21]: 02-09, 02-18, 02-19, 02-20, 02-21.
    assert working_days_between(D(2024, 2, 8), D(2024, 2, 21)) == 5
    assert working_days_between(D(2024, 2, 21), D(2024, 2, 8)) == -5
    assert working_days_between(D(2024, 2, 10), D(2024, 2, 17)) == 0


def test_the_working_calendar_falls_back_to_weekdays_without_overrides():
    cal = WorkingCalendar({})
    assert cal.is_working_day(D(2030, 6, 3))  # Monday
    assert not cal.is_working_day(D(2030, 6, 8))  # Saturday
    assert cal.add_working_days(D(2030, 6, 7), 1) == D(2030, 6, 10)  # Fri -> Mon


@pytest.mark.django_db
def test_return_window_of_an_assignment_across_the_spring_festival(journey):
    s = journey.draft()
    services.suggestion_assign(
        suggestion=s,
        lead=journey.lead_department,
        co_departments=[journey.co_department],
        actor=journey.office,
        assigned_on=D(2024, 2, 8),
        when=at(D(2024, 2, 8)),
    )
    lead = Assignment.objects.get(suggestion=s, role=Assignment.Role.LEAD)
    assert lead.return_window_ends_on == D(2024, 2, 21)
    assert lead.reply_due_on == D(2024, 5, 8)
    co = Assignment.objects.get(suggestion=s, role=Assignment.Role.CO)
    assert co.opinion_due_on == D(2024, 3, 8)
    assert co.return_window_ends_on is None


@pytest.mark.django_db
def test_reply_due_date_from_an_assignment_on_30_november(journey):
    s = journey.draft(received_on=D(2023, 11, 20), year=2023)
    services.suggestion_assign(
        suggestion=s,
        lead=journey.lead_department,
        actor=journey.office,
        assigned_on=D(2023, 11, 30),
        when=at(D(2023, 11, 30)),
    )
    s.refresh_from_db()
    assert s.reply_due_on == s.due_on == D(2024, 2, 29)
    lead = s.assignments.get(role=Assignment.Role.LEAD)
    assert lead.reply_due_on == D(2024, 2, 29)


@pytest.mark.django_db
def test_a_changed_policy_is_used_for_new_assignments(journey):
    policy = DeadlinePolicy.current()
    policy.reply_months = 2
    policy.return_window_working_days = 3
    policy.save()
    s = journey.draft()
    services.suggestion_assign(
        suggestion=s,
        lead=journey.lead_department,
        actor=journey.office,
        assigned_on=D(2024, 2, 8),
        when=at(D(2024, 2, 8)),
    )
    lead = s.assignments.get(role=Assignment.Role.LEAD)
    assert lead.reply_due_on == D(2024, 4, 8)
    assert lead.return_window_ends_on == D(2024, 2, 19)  # 02-09, 02-18, 02-19


@pytest.mark.django_db
def test_the_calendar_covers_the_package_years_and_not_later_ones():
    first, last = calendar_range()
    assert first == D(2004, 1, 1)
    assert last == D(2026, 12, 31)
    assert calendar_covers(D(2024, 2, 12))
    assert calendar_covers(D(2024, 7, 1))
    assert not calendar_covers(D(2030, 6, 3))
    assert not calendar_covers(D(2003, 12, 31))


@pytest.mark.django_db
def test_past_the_filled_calendar_days_fall_back_to_monday_to_friday():
    # 2030-06-03 is a Monday; no table rows for 2030.
    assert not CalendarDay.objects.filter(date__year=2030).exists()
    assert is_working_day(D(2030, 6, 3))
    assert is_working_day(D(2030, 6, 7))  # Friday
    assert not is_working_day(D(2030, 6, 8))  # Saturday
    assert not is_working_day(D(2030, 6, 9))  # Sunday
    # Fri 2030-06-07 + 5 working days: 06-10 .. 06-14.
    assert add_working_days(D(2030, 6, 7), 5) == D(2030, 6, 14)


@pytest.mark.django_db
def test_an_admin_entered_day_overrides_the_weekday_rule():
    CalendarDay.objects.create(
        date=D(2030, 6, 12), is_working_day=False, name="端午节", source=CalendarDay.Source.MANUAL
    )
    CalendarDay.objects.create(
        date=D(2030, 6, 15), is_working_day=True, name="调休上班", source=CalendarDay.Source.MANUAL
    )
    assert not is_working_day(D(2030, 6, 12))  # a Wednesday made a holiday
    assert is_working_day(D(2030, 6, 15))  # a Saturday made a working day
    # Fri 2030-06-07 + 5: 06-10 (1), 06-11 (2), [06-12 holiday], 06-13 (3), 06-14 (4),
    # Sat 06-15 (5).
    assert add_working_days(D(2030, 6, 7), 5) == D(2030, 6, 15)


@pytest.mark.django_db
def test_an_admin_override_inside_the_package_years_is_honoured():
    # Turn an ordinary Monday of 2024 into a holiday.
    CalendarDay.objects.filter(date=D(2024, 3, 11)).update(
        is_working_day=False, source=CalendarDay.Source.MANUAL
    )
    assert not is_working_day(D(2024, 3, 11))
    # Fri 03-08 + 1 skips Mon 03-11.
    assert add_working_days(D(2024, 3, 8), 1) == D(2024, 3, 12)


# ---------------------------------------------------------------------------------------
# Deadline state in lists

# Wed 2024-09-25. Ten working days after it: 09-26 (1), 09-27 (2), Sun 09-29 (3, make-up),
# 09-30 (4), [10-01..10-07 National Day], 10-08 (5), 10-09 (6), 10-10 (7), 10-11 (8),
# Sat 10-12 (9, make-up), Mon 10-14 (10).
TODAY = D(2024, 9, 25)
LIMIT = D(2024, 10, 14)


@pytest.fixture
def placed(journey):
    """Items with due dates placed around TODAY, keyed by what they should show."""

    def item(status, due_on):
        s = journey.to(status)
        Suggestion.objects.filter(pk=s.pk).update(due_on=due_on)
        return s.pk

    return {
        "overdue": item(Status.ASSIGNED, D(2024, 9, 24)),
        "overdue_long": item(Status.IN_PROGRESS, D(2024, 5, 1)),
        "due_today": item(Status.IN_PROGRESS, TODAY),
        "due_soon": item(Status.ASSIGNED, D(2024, 10, 8)),
        "due_at_limit": item(Status.REWORK, LIMIT),
        "just_after_limit": item(Status.ASSIGNED, D(2024, 10, 15)),
        "far": item(Status.ASSIGNED, D(2024, 12, 31)),
        "replied_past_due": item(Status.REPLIED, D(2024, 9, 1)),
        "closed_past_due": item(Status.CLOSED, D(2024, 9, 1)),
        "replied_no_due": item(Status.REPLIED, None),
        "open_no_due": item(Status.ASSIGNED, None),
    }


@pytest.mark.django_db
def test_due_soon_limit_counts_working_days_across_national_day():
    assert due_soon_limit(TODAY) == LIMIT


def test_with_deadline_state_annotates_each_item(placed):
    states = dict(
        with_deadline_state(Suggestion.objects.all(), today=TODAY).values_list(
            "pk", "deadline_state"
        )
    )
    assert {name: states[pk] for name, pk in placed.items()} == {
        "overdue": DeadlineState.OVERDUE,
        "overdue_long": DeadlineState.OVERDUE,
        "due_today": DeadlineState.DUE_SOON,
        "due_soon": DeadlineState.DUE_SOON,
        "due_at_limit": DeadlineState.DUE_SOON,
        "just_after_limit": DeadlineState.ON_TRACK,
        "far": DeadlineState.ON_TRACK,
        "replied_past_due": "",
        "closed_past_due": "",
        "replied_no_due": "",
        "open_no_due": "",
    }


def test_filter_overdue_and_due_soon(placed):
    overdue = set(
        filter_overdue(Suggestion.objects.all(), today=TODAY).values_list("pk", flat=True)
    )
    assert overdue == {placed["overdue"], placed["overdue_long"]}
    soon = set(filter_due_soon(Suggestion.objects.all(), today=TODAY).values_list("pk", flat=True))
    assert soon == {placed["due_today"], placed["due_soon"], placed["due_at_limit"]}


def test_the_deadline_state_is_computed_in_the_list_query(placed, django_assert_num_queries):
    with django_assert_num_queries(3) as ctx:
        # 1: DeadlinePolicy.current() in due_soon_limit (the due-soon working days);
        # 2: the CalendarDay slice for add_working_days(TODAY, 10);
        rows = with_deadline_state(Suggestion.objects.all(), today=TODAY)
        # 3: the list itself, with the CASE … END annotation in the same SELECT.
        items = list(rows)
    assert len(items) == len(placed)
    assert "CASE" in ctx.captured_queries[-1]["sql"].upper()
    assert all(hasattr(s, "deadline_state") for s in items)


def test_the_due_soon_window_follows_the_policy(placed):
    policy = DeadlinePolicy.current()
    policy.due_soon_working_days = 5  # 09-26, 09-27, 09-29, 09-30, 10-08
    policy.save()
    assert due_soon_limit(TODAY) == D(2024, 10, 8)
    soon = set(filter_due_soon(Suggestion.objects.all(), today=TODAY).values_list("pk", flat=True))
    assert soon == {placed["due_today"], placed["due_soon"]}


def test_the_due_soon_label_reads_the_policy(client, office, lead_handler):
    policy = DeadlinePolicy.current()
    policy.due_soon_working_days = 7
    policy.save()
    for user in (office, lead_handler):
        client.force_login(user)
        page = client.get(reverse("suggestions:workspace")).content.decode()
        assert "临期（7个工作日内到期）" in page and "10个工作日" not in page
    page = client.get(reverse("suggestions:list")).content.decode()
    assert '<option value="due_soon">临期（7个工作日内到期）</option>' in page
