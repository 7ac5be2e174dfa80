"""The default working calendar: Monday–Friday 09:00–17:00, England and Wales (000 §25)."""

from datetime import time

from django.db import migrations


def create(apps, schema_editor):
    WorkingCalendar = apps.get_model("calendar", "WorkingCalendar")
    OfficeHours = apps.get_model("calendar", "OfficeHours")
    if not WorkingCalendar.objects.exists():
        calendar = WorkingCalendar.objects.create(name="Council working calendar", nation="ENG")
        OfficeHours.objects.bulk_create(
            OfficeHours(calendar=calendar, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
        )


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
