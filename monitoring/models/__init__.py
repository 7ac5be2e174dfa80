"""Monitoring's models, one module per area: enquiries, responses and posts; response policies;
connected accounts.

Each module is imported here so Django finds it.
"""

from .activity import (
    PEOPLE_REASONS,
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
    may_record_response,
)
from .connections import (
    OAUTH_ATTEMPT_MINUTES,
    Connection,
    ConnectionStatus,
    OAuthAttempt,
    SyncCursor,
)
from .duty import DutyDay
from .response_policy import ResponsePolicy

__all__ = [
    "OAUTH_ATTEMPT_MINUTES",
    "Connection",
    "ConnectionStatus",
    "OAuthAttempt",
    "PEOPLE_REASONS",
    "SyncCursor",
    "ActivityImport",
    "Channel",
    "DutyDay",
    "Enquiry",
    "EnquiryQuerySet",
    "EnquiryStatus",
    "NoResponseReason",
    "Post",
    "PostKind",
    "Response",
    "ResponseKind",
    "ResponseTimeMonth",
    "ResponseTimeRefresh",
    "ResponsePolicy",
    "may_record_response",
]
