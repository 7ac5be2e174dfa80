"""Monitoring's models, one module per area.

The outbox, governance flags, the working calendar, enquiries, responses and posts, and (with its
issue) operations: emergencies, purdah, incidents. Each module is imported here so Django finds it.
"""

from .activity import (
    ActivityImport,
    Channel,
    Enquiry,
    EnquiryQuerySet,
    EnquiryStatus,
    NoResponseReason,
    Post,
    PostKind,
    Response,
    ResponseKind,
    ResponseTimeMonth,
    ResponseTimeRefresh,
)
from .calendar import ClosureDay, OfficeHours, PolicyReview, ResponsePolicy, Weekday, WorkingCalendar
from .flags import FlagKind, GovernanceFlag, GovernanceFlagQuerySet
from .operations import (
    Emergency,
    EmergencyStatus,
    EmergencySuspension,
    Incident,
    IncidentAction,
    IncidentKind,
    IncidentStatus,
    MonitoringTerm,
    MonitoringTermStatus,
    PhotoConsent,
    PolicyAcknowledgement,
    PolicyVersion,
    PurdahPeriod,
    Severity,
    WordListEntry,
    WordListKind,
)
from .outbox import Notification, NotificationQuerySet

__all__ = [
    "ActivityImport",
    # operations (issue 7)
    "Emergency",
    "EmergencyStatus",
    "EmergencySuspension",
    "Incident",
    "IncidentAction",
    "IncidentKind",
    "IncidentStatus",
    "MonitoringTerm",
    "MonitoringTermStatus",
    "PhotoConsent",
    "PolicyAcknowledgement",
    "PolicyVersion",
    "PurdahPeriod",
    "Severity",
    "WordListEntry",
    "WordListKind",
    "Channel",
    "ClosureDay",
    "Enquiry",
    "EnquiryQuerySet",
    "EnquiryStatus",
    "FlagKind",
    "GovernanceFlag",
    "GovernanceFlagQuerySet",
    "NoResponseReason",
    "Notification",
    "NotificationQuerySet",
    "OfficeHours",
    "PolicyReview",
    "Post",
    "PostKind",
    "Response",
    "ResponseKind",
    "ResponseTimeMonth",
    "ResponseTimeRefresh",
    "ResponsePolicy",
    "Weekday",
    "WorkingCalendar",
]
