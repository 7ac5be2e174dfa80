"""Monitoring's models, one module per area.

Enquiries, responses and posts, response policies, and (until they move to their own app)
operations: emergencies, purdah, incidents. Each module is imported here so Django finds it.
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
from .calendar import PolicyReview, ResponsePolicy
from .duty import DutyDay
from .operations import (
    DecidedBy,
    DecidedCampaign,
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

__all__ = [
    "ActivityImport",
    # operations (issue 7)
    "DecidedBy",
    "DecidedCampaign",
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
    "DutyDay",
    "Enquiry",
    "EnquiryQuerySet",
    "EnquiryStatus",
    "NoResponseReason",
    "PolicyReview",
    "Post",
    "PostKind",
    "Response",
    "ResponseKind",
    "ResponseTimeMonth",
    "ResponseTimeRefresh",
    "ResponsePolicy",
]
