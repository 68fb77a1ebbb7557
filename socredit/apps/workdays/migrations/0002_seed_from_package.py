"""Seed the holiday table with every year the chinese-calendar package knows (2004–LAST_YEAR).

Idempotent: a year already in the table (entered by an administrator, or seeded before) is left
alone. Reversing removes only the years that came from the package.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from socredit.core.calendar import PACKAGE_VERSION, PACKAGE_YEARS, package_schedule

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    present = set(CalendarYear.objects.values_list("year", flat=True))
    days = []
    for year in PACKAGE_YEARS:
        if year in present:
            continue
        row = CalendarYear.objects.create(year=year, source="package", notice=f"chinese-calendar {PACKAGE_VERSION}")
        days += [CalendarDay(date=d, year=row, working=w, name=n) for d, (w, n) in package_schedule(year).items()]
    CalendarDay.objects.bulk_create(days, batch_size=500)


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
