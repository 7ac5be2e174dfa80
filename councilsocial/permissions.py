"""Who may do what, for the whole site.

Roles are Django groups (created by a data migration in ``accounts_register``). Object rules are
``rules`` predicates, registered as Django permissions so every view, the API and the admin ask the
same question: ``user.has_perm("operations.manage_operations")``. This module imports no app: rules
about an object's service (``accounts_register.view_service``) are in ``accounts_register/rules.py``.

The roles come from the policies: Communications and Marketing authorise accounts and keep the
register (001 §19, §28); the Corporate Director approves their directorate's cases (000 §6b);
services draft cases and run their accounts (000 §6a, §25).
"""

from __future__ import annotations

import rules

SERVICE_OFFICERS = "Service officers"
CORPORATE_DIRECTORS = "Corporate directors"
COMMUNICATIONS = "Communications"
ADMINISTRATORS = "Administrators"
ROLE_GROUPS = (SERVICE_OFFICERS, CORPORATE_DIRECTORS, COMMUNICATIONS, ADMINISTRATORS)


def _group_names(user) -> frozenset[str]:
    """The user's group names, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_councilsocial_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._councilsocial_groups = cached
    return cached


def is_communications(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or COMMUNICATIONS in _group_names(user)))


def is_corporate_director(user) -> bool:
    return CORPORATE_DIRECTORS in _group_names(user)


def is_service_officer(user) -> bool:
    return SERVICE_OFFICERS in _group_names(user)


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or ADMINISTRATORS in _group_names(user)))


@rules.predicate
def communications(user) -> bool:
    return is_communications(user)


@rules.predicate
def administrator(user) -> bool:
    return is_administrator(user)


# Object rules that need an app's data ("member of this service") live in that app, built on its
# one answer to "what is this person in this service?": ``accounts_register/rules.py``.
rules.add_perm("accounts_register.manage_organisation", communications | administrator)
rules.add_perm("monitoring.view_council_dashboard", communications)
rules.add_perm("notifications.view_outbox", communications)
# Operations (issue 7): Communications runs emergencies, purdah, terms and policy sign-off (003 D9–D11).
rules.add_perm("operations.manage_operations", communications)
rules.add_perm("operations.check_content", communications | rules.predicate(is_service_officer))


# Django admin permissions each role's group holds. Object rules above decide what a person may do
# in the application; these decide which admin pages staff may open.
ADMIN_MODEL_PERMISSIONS = {
    ADMINISTRATORS: {
        "auth": ["user", "group"],
        "accounts_register": ["directorate", "service", "committee"],
        "django_celery_beat": ["periodictask", "intervalschedule", "crontabschedule"],
        "notifications": ["notification"],
        "calendar": ["workingcalendar", "officehours", "closureday"],
        "operations": ["policyversion"],
    },
    COMMUNICATIONS: {
        "accounts_register": ["directorate", "service", "committee", "socialmediaaccount"],
        "notifications": ["notification"],
        "flags": ["governanceflag"],
        "monitoring": ["responsepolicy", "enquiry", "connection"],
        "operations": ["policyversion"],
        "business_cases": ["businesscase", "directorapprovallink"],
    },
}


def grant_role_permissions(**kwargs) -> None:
    """Give each role's group its admin permissions (run after every migrate; idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for group_name, apps in ADMIN_MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models_ in apps.items():
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models_)
            )


# --- Who may grant privileges (issue 11 item 11) ------------------------------------------------------
# Membership of these groups gives power over other people's work or accounts: Administrators manage
# people in Django admin, Communications authorise accounts and cases (001 §19, §28), Corporate Directors
# decide their directorate's business cases (000 §6c): an administrator who could set a Director's
# password or make someone a Director could decide in the Director's place.
PRIVILEGED_GROUPS = frozenset({ADMINISTRATORS, COMMUNICATIONS, CORPORATE_DIRECTORS})
# What a person may never change on their own record, whoever they are: nobody raises (or drops) their
# own privileges; another person, with the right to, does it for them.
OWN_LOCKED_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")
# What only a superuser may change on anyone's record: each of them grants privileges.
SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "user_permissions")


def is_privileged(person) -> bool:
    """A superuser, or a member of a privileged group."""
    return bool(person.is_superuser or PRIVILEGED_GROUPS & _group_names(person))


def may_change_person(actor, person) -> bool:
    """Only a superuser changes a privileged person's record (their password, name or flags).

    Otherwise an administrator could set a superuser's or a Communications officer's password and
    sign in as them.
    """
    return actor.is_superuser or actor.pk == person.pk or not is_privileged(person)


def locked_person_fields(actor, person=None) -> tuple[str, ...]:
    """The fields of ``person``'s record (None: a new person) that ``actor`` may not change."""
    locked = [] if actor.is_superuser else list(SUPERUSER_ONLY_FIELDS)
    if person is not None and person.pk == actor.pk:
        locked += [name for name in OWN_LOCKED_FIELDS if name not in locked]
    return tuple(locked)


def may_change_membership(actor, group_name: str) -> bool:
    """Only a superuser adds people to or removes them from a privileged group."""
    return actor.is_superuser or group_name not in PRIVILEGED_GROUPS


def may_change_group(actor, group_name: str) -> bool:
    """Only a superuser renames or deletes a role's group, or gives a group a role's name: roles are
    read from group names, so a renamed group would hand its members another role."""
    return actor.is_superuser or group_name not in ROLE_GROUPS


def may_hold_token_for(actor, person) -> bool:
    """An API token is made by a superuser, or by a person for their own use."""
    return actor.is_superuser or actor.pk == person.pk


def may_name_corporate_director(actor, person) -> bool:
    """Nobody but a superuser names themselves a directorate's Corporate Director: the post decides the
    directorate's business cases (000 §6b, §6c), so someone else appoints the person to it."""
    return person is None or actor.is_superuser or actor.pk != person.pk
