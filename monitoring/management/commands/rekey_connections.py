"""Re-encrypt every connected account's stored secrets with the first of ``CONNECTION_KEYS``.

Rotation: put the new key first in ``CONNECTION_KEYS``, keep the old one second, restart, run this,
then remove the old key.
"""

from django.core.management.base import BaseCommand

from monitoring.connections import connections_rekey


class Command(BaseCommand):
    help = "Re-encrypt every stored connection secret with the first key of CONNECTION_KEYS."

    def handle(self, *args, **options):
        done = connections_rekey()
        self.stdout.write(f"Re-encrypted {done} stored secret{'s' if done != 1 else ''} with the first key.")
