"""The object rules that need the register's data, registered as Django permissions so views, the API
and the admin ask one question (``user.has_perm("accounts_register.view_service", service)``).

Each predicate asks ``service_role``, the one answer to "what is this person in this service?";
``councilsocial.permissions`` keeps only the role predicates that need no app. Imported by
``AccountsRegisterConfig.ready``.
"""

from __future__ import annotations

import rules

from councilsocial.permissions import communications

from .models import MANAGE_ACCESS, Service
from .selectors import ServiceRole, may_manage_access, service_role


def service_of(obj) -> Service | None:
    """The service an object belongs to: the service itself, or its ``service`` attribute."""
    if obj is None or isinstance(obj, Service):
        return obj
    return getattr(obj, "service", None)


@rules.predicate
def member_of_service(user, obj) -> bool:
    """A manager or officer of the object's service."""
    return service_role(user, service_of(obj)).is_member


@rules.predicate
def manager_of_service(user, obj) -> bool:
    return service_role(user, service_of(obj)) is ServiceRole.MANAGER


@rules.predicate
def director_of(user, obj) -> bool:
    """The Corporate Director of the object's directorate (000 §6b, 001 §19), in the Directors' group."""
    return service_role(user, service_of(obj)) is ServiceRole.DIRECTOR


rules.add_perm("accounts_register.view_service", communications | member_of_service | director_of)


@rules.predicate
def manages_access_of(user, access) -> bool:
    """Communications and the managers of the access record's account's service (003 D2.3)."""
    return access is not None and may_manage_access(user, access.account)


# Asked by the access record's transitions (``models.may_change_access``).
rules.add_perm(MANAGE_ACCESS, manages_access_of)
