"""Secrets at rest: what a connected account needs to sign in, encrypted with the council's keys.

The keys come from the environment (``CONNECTION_KEYS``, read by ``councilsocial.settings``): a list of
Fernet keys, the first of which encrypts and all of which decrypt, so a new key can be put first and
the old one kept second while ``manage.py rekey_connections`` re-encrypts every stored secret with
the new one (``MultiFernet.rotate``). A secret is never returned to a page, an export, the API or a
log: only the sync and the reply service decrypt it, for as long as one call to the platform lasts.

Base layer: it imports no app.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretsError(Exception):
    """A stored secret could not be read: its key is not among ``CONNECTION_KEYS``, or it is damaged.
    The message never contains the secret."""


def parse_keys(raw: list[str] | str) -> list[str]:
    """The keys of ``CONNECTION_KEYS`` (a list, or a comma-separated string), each checked to be a
    Fernet key (32 url-safe base64-encoded bytes). Raises ValueError naming the position, not the key."""
    keys = [key.strip() for key in (raw.split(",") if isinstance(raw, str) else raw) if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ValueError(
                f"Key {position} of CONNECTION_KEYS is not a Fernet key "
                "(make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')."
            ) from None
    return keys


def _fernet(keys: list[str] | None = None) -> MultiFernet:
    keys = parse_keys(keys if keys is not None else settings.CONNECTION_KEYS)
    if not keys:
        raise SecretsError("No CONNECTION_KEYS are set: secrets cannot be stored or read.")
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(value: str) -> str:
    """``value`` encrypted with the first key, as the text of a Fernet token."""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text ``encrypt`` was given, with whichever of the keys encrypted it."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise SecretsError(
            "A stored secret cannot be read with any of CONNECTION_KEYS (a key was removed too soon?)."
        ) from None


def encrypt_json(data: dict) -> str:
    return encrypt(json.dumps(data, separators=(",", ":"), sort_keys=True))


def decrypt_json(token: str) -> dict:
    return json.loads(decrypt(token)) if token else {}


def rotate(token: str) -> str:
    """``token`` re-encrypted with the first key (its content unchanged)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise SecretsError("A stored secret cannot be read with any of CONNECTION_KEYS.") from None
