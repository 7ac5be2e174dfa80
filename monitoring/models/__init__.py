"""Monitoring's models, one module per area.

The outbox, governance flags, and (with their issues) the working calendar, enquiries and posts,
and operations: emergencies, purdah, incidents. Each module is imported here so Django finds it.
"""

from .flags import FlagKind, GovernanceFlag, GovernanceFlagQuerySet
from .outbox import Notification, NotificationQuerySet

__all__ = [
    "FlagKind",
    "GovernanceFlag",
    "GovernanceFlagQuerySet",
    "Notification",
    "NotificationQuerySet",
]
