"""Monitoring's models, one module per area: enquiries, responses and posts; response policies.

Each module is imported here so Django finds it.
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
    may_record_response,
)
from .duty import DutyDay
from .response_policy import ResponsePolicy

__all__ = [
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
