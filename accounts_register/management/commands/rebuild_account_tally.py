"""Count the register again into its tally of accounts by platform and status.

The database's triggers keep the tally as accounts change; run this after restoring data without
them (``pg_restore --data-only`` replays the inserts into both tables), or if a check of the
dashboard's figures ever disagrees with the register.
"""

from django.core.management.base import BaseCommand

from accounts_register.services import account_tally_rebuild


class Command(BaseCommand):
    help = "Count every account again into the register's tally by platform and status."

    def handle(self, *args, **options):
        counted = account_tally_rebuild()
        self.stdout.write(f"Counted {counted} account{'s' if counted != 1 else ''} into the tally.")
