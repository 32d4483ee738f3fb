"""Fill the working-day calendar from chinese-calendar and create the default policy."""

from django.db import migrations


def fill(apps, schema_editor):
    from suggestions.deadlines import chinese_calendar_days, chinese_calendar_years

    CalendarDay = apps.get_model("suggestions", "CalendarDay")
    known = set(CalendarDay.objects.values_list("date", flat=True))
    rows = [
        CalendarDay(date=d, is_working_day=w, name=n, source="package")
        for d, w, n in chinese_calendar_days(chinese_calendar_years())
        if d not in known
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=1000)
    DeadlinePolicy = apps.get_model("suggestions", "DeadlinePolicy")
    if not DeadlinePolicy.objects.exists():
        DeadlinePolicy.objects.create()


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
