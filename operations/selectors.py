"""Reads for operations: the one access check per object type (README "Where things live").

Each is built on the register's ``service_role`` and the models' ``visible_to`` querysets, and
raises 404 for what the person may not see.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts_register.selectors import ServiceRole, service_role
from councilsocial.permissions import is_communications

from .models import Emergency, Incident, MonitoringTerm, PhotoConsent, PolicyVersion, PurdahPeriod


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


def get_photo_consent_for_user(user, pk, *, write: bool = False) -> PhotoConsent:
    """A photo consent form's record (004 Don't 9): read by Communications, the service and its
    Director; ``write`` by Communications and the service's members, 403 for the Director."""
    consent = PhotoConsent.objects.visible_to(user).select_related("service").filter(pk=pk).first()
    if consent is None:
        raise Http404("No such consent form")
    if write:
        role = service_role(user, consent.service)
        if not (role.is_member or role is ServiceRole.COMMUNICATIONS):
            raise PermissionDenied
    return consent


def _get_council_wide(queryset, user, pk, *, write: bool, what: str):
    """Council-wide records (emergencies, purdah periods, policy versions): everyone signed in reads
    them, Communications alone changes them (003 D9–D10, 001 §22–23); 403 for a reader."""
    found = (
        queryset.visible_to(user).filter(pk=pk).first() if isinstance(pk, int) or str(pk).isdigit() else None
    )
    if found is None:
        raise Http404(f"No such {what}")
    if write and not is_communications(user):
        raise PermissionDenied
    return found


def get_emergency_for_user(user, pk, *, write: bool = False) -> Emergency:
    return _get_council_wide(Emergency.objects, user, pk, write=write, what="emergency")


def get_purdah_period_for_user(user, pk, *, write: bool = False) -> PurdahPeriod:
    return _get_council_wide(PurdahPeriod.objects, user, pk, write=write, what="period")


def get_policy_version_for_user(user, pk, *, write: bool = False) -> PolicyVersion:
    return _get_council_wide(PolicyVersion.objects, user, pk, write=write, what="policy version")
