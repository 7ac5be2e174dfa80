"""Checks that ``manage.py check --deploy`` runs before the council goes live.

The settings refuse to start without the secrets a production process needs; these checks catch
secrets that are present but must never be used for real.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def development_connection_key_in_production(app_configs=None, **kwargs) -> list[Error]:
    """The development key is published in the source code: tokens encrypted with it are readable
    by anyone, so a deployment that lists it among ``CONNECTION_KEYS`` is refused."""
    if settings.DEVELOPMENT_CONNECTION_KEY not in settings.CONNECTION_KEYS:
        return []
    position = settings.CONNECTION_KEYS.index(settings.DEVELOPMENT_CONNECTION_KEY) + 1
    return [
        Error(
            f"Key {position} of CONNECTION_KEYS is the published development key.",
            hint=(
                "Generate a key of the council's own (python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'), put it first in CONNECTION_KEYS, "
                "run manage.py rekey_connections, then remove the development key."
            ),
            id="councilsocial.E001",
        )
    ]
