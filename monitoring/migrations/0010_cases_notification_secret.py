"""Keep one-use approval links out of the stored outbox (issue 11, defect 7a).

Messages written before this change hold the Director's approval link in their body. A message
still waiting keeps the link as its secret (sending needs it); every other one loses it.
"""

import re

from django.db import migrations, models

#: Stands in for the link; the same text as ``Notification.SECRET_PLACEHOLDER`` (a migration keeps
#: its own copy so that later changes to the model do not change what it did).
PLACEHOLDER = "[link sent by email only: not kept here]"
APPROVAL_LINK = re.compile(r"https?://\S+/business-cases/\d+/decide/\S+/")


def scrub_approval_links(apps, schema_editor):
    Notification = apps.get_model("monitoring", "Notification")
    for message in Notification.objects.filter(body__contains="/decide/").iterator():
        found = APPROVAL_LINK.search(message.body)
        if found is None:
            continue
        if message.status == "pending" and not message.secret:
            message.secret = found.group(0)
        message.body = APPROVAL_LINK.sub(PLACEHOLDER, message.body)
        message.save(update_fields=["body", "secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0009_dashboard_figures_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="secret",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Put in the body's placeholder when sending, then erased. Never shown.",
            ),
        ),
        migrations.RunPython(scrub_approval_links, migrations.RunPython.noop),
    ]
