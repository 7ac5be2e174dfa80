"""Validators for what people type about accounts."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# "password: hunter2", "pwd=…", "passcode - …": a value written next to a password label.
_PASSWORD_NEXT_TO_LABEL = re.compile(
    r"\b(?:pass\s*word|passwd|pwd|passcode|pass\s*phrase|pin)\b\s*(?:is|[:=\-–]|was)\s*\S+", re.IGNORECASE
)


def validate_council_mailbox(value: str) -> None:
    """The administering mailbox is a council address on one of its email domains (000 §11)."""
    validate_email(value)
    domain = value.rsplit("@", 1)[-1].lower()
    allowed = [d.lower() for d in settings.COUNCIL_EMAIL_DOMAINS]
    if not any(domain == d or domain.endswith("." + d) for d in allowed):
        raise ValidationError(
            "Enter a council mailbox on " + " or ".join(f"@{d}" for d in allowed) + ", not a personal address"
        )


def refuse_pasted_password(value: str) -> None:
    """Refuse text that looks like a password pasted into a free-text field (004 Do 3).

    The register records where credentials are kept, never the credentials themselves.
    """
    if value and _PASSWORD_NEXT_TO_LABEL.search(value):
        raise ValidationError(
            "This looks like a password. Never record passwords here: say where the password is kept "
            "(for example, the password manager entry) instead"
        )
