"""Reads for operations: the one access check per object type (README "Where things live").

Each is built on the register's ``service_role`` and the models' ``visible_to`` querysets, and
raises 404 for what the person may not see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts_register.selectors import ServiceRole, service_role
from councilsocial.permissions import is_communications

from .models import Incident, MonitoringTerm


def get_incident_for_user(user, pk, *, write: bool = False) -> Incident:
    """An incident: read by Communications, the account's service and its Director; ``write`` (ticking
    its checklist) by Communications and the service's members. Anything else is a 404."""
    incident = (
        Incident.objects.visible_to(user)
        .select_related("account", "account__service", "reported_by")
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404("No such incident")
    if write and not may_work_on_incident(user, incident):
        raise Http404("No such incident")
    return incident


def may_work_on_incident(user, incident: Incident) -> bool:
    """Ticking an incident's checklist: Communications and the account's service's members."""
    role = service_role(user, incident.account.service)
    return role.is_member or role is ServiceRole.COMMUNICATIONS


def get_monitoring_term_for_user(user, pk, *, write: bool = False) -> MonitoringTerm:
    """A monitoring term: read by Communications and the service that asked for it; ``write``
    (deciding it) by Communications alone (003 D11.2), 403 for a reader."""
    term = MonitoringTerm.objects.visible_to(user).select_related("service").filter(pk=pk).first()
    if term is None:
        raise Http404("No such monitoring term")
    if write and not is_communications(user):
        raise PermissionDenied
    return term
