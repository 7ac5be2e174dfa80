"""Validators for what people type about accounts."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
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


# "jane.smith@", "j.smith@", "jane.o-brien2@": the shape of a person's own address.
_PERSONAL_LOCAL_PART = re.compile(r"^[a-z]+(?:['-][a-z]+)*\.[a-z]+(?:['-][a-z]+)*\d*$")
# Words that make "parks.social@" or "comms.team@" a team's mailbox, not a person's.
GENERIC_MAILBOX_WORDS = frozenset(
    """
    account accounts admin bookings comms communications contact customer customers digital enquiries
    events help info leisure mail mailbox marketing media news noreply office press services shared
    social socialmedia support team web website
    """.split()
)
SHARED_MAILBOX_REASON = (
    "Accounts must be registered to a shared council mailbox that more than one person can open, "
    "so the council keeps access when someone is away or leaves (000 §11)"
)


def sign_in_addresses() -> set[str]:
    """Every person's sign-in email address, lower-cased: for checking many mailboxes in one query."""
    return {
        email.lower() for email in get_user_model().objects.exclude(email="").values_list("email", flat=True)
    }


def validate_shared_mailbox(value: str, *, personal_addresses: set[str] | None = None) -> None:
    """The administering mailbox is a shared council mailbox, never a person's own (000 §11).

    Refuses an address outside the council's domains, anyone's sign-in email address (whatever its
    case), and an address shaped like a person's name (``first.last@``). ``personal_addresses``, from
    ``sign_in_addresses()``, saves a query per address when checking many.
    """
    validate_council_mailbox(value)
    address = value.strip()
    if (
        address.lower() in personal_addresses
        if personal_addresses is not None
        else get_user_model().objects.filter(email__iexact=address).exists()
    ):
        raise ValidationError(
            f"{address} is a person's own sign-in email address. {SHARED_MAILBOX_REASON}",
            code="personal_mailbox",
        )
    local = address.rsplit("@", 1)[0].lower()
    if _PERSONAL_LOCAL_PART.match(local) and not (set(re.split(r"[.'\-]", local)) & GENERIC_MAILBOX_WORDS):
        raise ValidationError(
            f"{address} looks like a person's own email address. {SHARED_MAILBOX_REASON}",
            code="personal_mailbox",
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
