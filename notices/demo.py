"""The demo's notices (DESIGN §9): each department's contact person, the demo handlers'
channels, and the past month's daily reminders, so the bell shows overdue and due-soon
items the first time someone logs in.

Called by `suggestions.demo.scenario.load_demo` after the items are built. The history of
the 2023 year made its notices as it was built (the services notify); a user of the demo
would have read them long ago, so they are marked read. The e-mail and SMS copies of the
past month's reminders wait in the queue: `make run` starts the worker, which sends them
through the console backends (or `send_reminders --sync` with EMAIL_HOST set).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from departments.models import Department
from departments.models import User
from notices.models import DepartmentContact
from notices.models import NoticePreference
from notices.models import Notification
from notices.reminders import send_reminders
from suggestions.demo import data
from suggestions.models import Suggestion

# The demo handlers who chose e-mail (and SMS) besides the bell.
BY_EMAIL = ("fangguan", "lvhua", "jianguan")
REMINDER_DAYS_BACK = 30


def contacts() -> None:
    """One contact person per department, with an e-mail at example.gov.cn and a mobile."""
    for index, department in enumerate(Department.objects.order_by("sort_order", "pk"), 1):
        # The demo's own name pool, read from the end so contacts differ from its deputies.
        name = data.SURNAMES[-index % len(data.SURNAMES)] + data.GIVEN[-index % len(data.GIVEN)]
        DepartmentContact.objects.get_or_create(
            department=department,
            name=name,
            defaults={
                "email": f"lianluo{index:02d}@example.gov.cn",
                "mobile": f"1390021{index:04d}",
            },
        )


def channels() -> None:
    for user in User.objects.filter(username__in=BY_EMAIL):
        if not user.email:
            user.email = f"{user.username}@example.gov.cn"
            user.save(update_fields=["email"])
        NoticePreference.objects.update_or_create(
            user=user, defaults={"by_email": True, "by_sms": False}
        )


def past_reminders(today: dt.date) -> int:
    """The daily job for each day of the past month (it sends nothing on a day off)."""
    created = 0
    for back in range(REMINDER_DAYS_BACK, -1, -1):
        created += send_reminders(today - dt.timedelta(days=back))["created"]
    return created


def build_demo_notices(*, today: dt.date, history_year: int) -> int:
    # The ids first: the joined UPDATE … IN (SELECT … JOIN …) took minutes on a freshly
    # filled PostgreSQL without statistics (a nested loop over both tables).
    history = list(Suggestion.objects.filter(year__lte=history_year).values_list("pk", flat=True))
    Notification.objects.filter(suggestion_id__in=history, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    contacts()
    channels()
    return past_reminders(today)
