"""Operations services: emergencies, purdah, incidents, monitoring terms, policy versions and sign-off.

Writes are functions taking keyword arguments and ``now``; each runs in one transaction and writes
its emails to the outbox in that same transaction. Views, the API and tests call these.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts_register import services as account_services
from accounts_register.models import AccessRole, AuthorisedUser, Service, SocialMediaAccount
from councilsocial.lib.transitions import StaleTransition, run_transition
from councilsocial.notifications.models import Notification
from councilsocial.notifications.services import notification_enqueue
from councilsocial.permissions import is_communications, is_corporate_director, is_service_officer

from .content_check import Context, Draft, Finding, Rules, check_post
from .extensions import post_counts
from .models import (
    DecidedCampaign,
    Emergency,
    EmergencySuspension,
    Incident,
    IncidentAction,
    IncidentKind,
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

BANNER_CACHE_KEY = "operations:banners"


class OperationRefused(Exception):
    """A request the rules refuse; the message is shown to the person as it is."""


class OperationStale(OperationRefused, StaleTransition):
    """Someone else changed the record first (a ``ConcurrentTransition``), said plainly."""


def _not_communications(_instance) -> PermissionDenied:
    return PermissionDenied("Only Communications can do this")


def communications_email() -> str:
    return settings.COMMUNICATIONS_EMAIL


def _clear_banner_cache() -> None:
    """Forget the cached banners now and again after commit (a request in between may re-cache the old)."""
    cache.delete(BANNER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(BANNER_CACHE_KEY))


def _require_communications(user) -> None:
    if not is_communications(user):
        raise PermissionDenied


# --- Banners ----------------------------------------------------------------------------------
def active_banners(*, today: date | None = None) -> dict:
    """The emergency and the purdah period in force, in one query, cached for 30 seconds."""
    banners = cache.get(BANNER_CACHE_KEY)
    if banners is None:
        today = today or timezone.localdate()
        columns = ("kind", "ident", "label", "detail", "day")
        emergency = (
            Emergency.objects.active()
            .annotate(
                kind=Value("emergency"),
                ident=F("pk"),
                label=F("title"),
                detail=F("reason"),
                day=Cast("declared_at", DateField()),
            )
            .order_by()  # a compound statement's parts may not be ordered (SQLite)
            .values_list(*columns)
        )
        purdah = (
            PurdahPeriod.objects.active_on(today)
            .annotate(
                kind=Value("purdah"), ident=F("pk"), label=F("name"), detail=F("elections"), day=F("ends_on")
            )
            .order_by()
            .values_list(*columns)
        )
        banners = {"emergency": None, "purdah": None}
        for kind, ident, label, detail, day in emergency.union(purdah, all=True):
            if banners[kind] is None:
                banners[kind] = {
                    "pk": ident,
                    "title": label,
                    "name": label,
                    "elections": detail,
                    "ends_on": day,
                }
        cache.set(BANNER_CACHE_KEY, banners, 30)
    return banners


# --- Emergency (003 D9) -----------------------------------------------------------------------
def emergency_in_force() -> Emergency | None:
    """The emergency in force, if any: while it lasts no new access should be granted (003 D9.2)."""
    return Emergency.objects.active().first()


def access_grant_refusal() -> str | None:
    """Why no access may be given now, or None: the register asks this before every grant (003 D9.2)."""
    if emergency_in_force() is not None:
        return "An emergency is in force: no new access can be given until Communications lifts it (003 D9)"
    return None


def emergency_declare(
    *, by, title: str, reason: str, holding_message: str, named_officers, now: datetime
) -> Emergency:
    """Declare an emergency: suspend everyone else's access to every account, email the owners (003 D9).

    In one transaction: every access in force of every person except the named Communications
    officers is suspended, and each such suspension is recorded against this emergency so lifting it
    restores exactly those. Each account owner gets the holding message once (003 D9.3); an account
    without an owner is written to at its generic admin mailbox (000 §11).
    """
    _require_communications(by)
    named_officers = list(named_officers)
    if not named_officers:
        raise OperationRefused("Name at least one Communications officer who may still post.")
    if any(not is_communications(person) for person in named_officers):
        raise OperationRefused(
            "Only Communications officers may keep posting during an emergency (003 D9.1)."
        )
    with transaction.atomic():
        if Emergency.objects.active().exists():
            raise OperationRefused("An emergency is already in force. Lift it before declaring another.")
        try:
            with transaction.atomic():
                emergency = Emergency.objects.create(
                    title=title,
                    reason=reason,
                    holding_message=holding_message,
                    declared_by=by,
                    declared_at=now,
                )
        except IntegrityError as exc:  # someone declared one at the same moment
            raise OperationRefused(
                "An emergency is already in force. Lift it before declaring another."
            ) from exc
        emergency.named_officers.set(named_officers)

        named_ids = {person.pk for person in named_officers}
        reason_text = f"Emergency #{emergency.pk}: {title}"[:300]
        change = account_services.access_suspend_for_emergency(
            keep_person_ids=named_ids, reason=reason_text, by=by, now=now
        )
        EmergencySuspension.objects.bulk_create(
            EmergencySuspension(emergency=emergency, authorised_user=access) for access in change.suspended
        )
        _emergency_send_holding_message(emergency, change=change, named_officers=named_officers, now=now)
        _clear_banner_cache()
    return emergency


def _emergency_send_holding_message(emergency: Emergency, *, change, named_officers, now: datetime) -> None:
    """Each account owner gets the holding message once (003 D9.3), saying whether their own access was
    suspended; an account without an owner is written to at its generic admin mailbox (000 §11)."""
    in_force, to_suspend = change.in_force, change.suspended
    owners_of: dict[str, list[SocialMediaAccount]] = defaultdict(list)
    accounts_with_owner = set()
    for access in in_force:
        if access.role == AccessRole.OWNER and access.person.email:
            owners_of[access.person.email.lower()].append(access.account)
            accounts_with_owner.add(access.account_id)
    for account in SocialMediaAccount.objects.live().exclude(pk__in=accounts_with_owner):
        if account.admin_mailbox:
            owners_of[account.admin_mailbox.lower()].append(account)
    suspended_emails = {a.person.email.lower() for a in to_suspend if a.person.email}
    named_emails = {person.email.lower() for person in named_officers if person.email}
    for email, accounts in owners_of.items():
        names = "\n".join(f"- {account}" for account in sorted(set(accounts), key=str))
        if email in suspended_emails:
            whose = "and your access has been suspended (003 D9.1–9.2)"
        elif email in named_emails:
            whose = (
                "(003 D9.1–9.2). You are named as one of the Communications officers who may still post, "
                "so your own access has not been suspended"
            )
        else:  # an account's shared mailbox, not a person
            whose = (
                "and the access of everyone except the named Communications officers has been suspended "
                "(003 D9.1–9.2)"
            )
        notification_enqueue(
            to=email,
            subject=f"Emergency procedures in force: {emergency.title}",
            body=(
                f"The council's emergency procedures are in force: {emergency.title}.\n\n"
                "Until you hear that they are lifted, nobody except the named Communications officers "
                f"may post on any council account, {whose}.\n\n"
                "You may be asked to post this single holding message on the accounts below, "
                "at the first opportunity (003 D9.3):\n\n"
                f"{emergency.holding_message}\n\nThe accounts:\n{names}\n"
            ),
            dedupe_key=f"emergency:{emergency.pk}:holding:{email}"[:200],
            now=now,
        )


@dataclass(frozen=True)
class LiftReport:
    restored: int
    not_restored: int


def emergency_lift(*, emergency: Emergency, by, all_clear_message: str, now: datetime) -> LiftReport:
    """Lift the emergency: restore exactly the access it suspended, send the all-clear (003 D9.3).

    Access ended, expired, or suspended again for another reason during the emergency stays as it is.
    """

    def before_save(locked: Emergency) -> None:
        locked.lifted_by = by
        locked.lifted_at = now
        locked.all_clear_message = all_clear_message

    with transaction.atomic():
        lifted = run_transition(
            queryset=Emergency,
            pk=emergency.pk,
            name="lift",
            by=by,
            description=all_clear_message[:200],
            not_possible=lambda _e: OperationRefused("This emergency has already been lifted."),
            refused=_not_communications,
            before_save=before_save,
            stale=OperationStale,
            stale_message="Someone else lifted this emergency first.",
        )
        return _emergency_restore_and_tell(lifted, by=by, all_clear_message=all_clear_message, now=now)


def _emergency_restore_and_tell(
    emergency: Emergency, *, by, all_clear_message: str, now: datetime
) -> LiftReport:
    """Restore exactly the access the emergency suspended, and send the all-clear to everyone who
    had the holding message (003 D9.3). In the caller's transaction."""
    suspensions = EmergencySuspension.objects.filter(emergency=emergency, restored_at__isnull=True)
    restorable = account_services.access_restore_after_emergency(
        access_ids=suspensions.values("authorised_user"),
        suspended_at=emergency.declared_at,
        reason_prefix=f"Emergency #{emergency.pk}:",
        change_reason=f"Emergency #{emergency.pk} lifted",
        by=by,
        now=now,
    )
    restored = suspensions.filter(authorised_user__in=[a.pk for a in restorable]).update(restored_at=now)
    total = suspensions.model.objects.filter(emergency=emergency).count()

    holding_prefix = f"emergency:{emergency.pk}:holding:"
    suspended_emails = {
        email.lower()
        for email in EmergencySuspension.objects.filter(emergency=emergency).values_list(
            "authorised_user__person__email", flat=True
        )
        if email
    }
    for email in Notification.objects.filter(dedupe_key__startswith=holding_prefix).values_list(
        "to", flat=True
    ):
        access_line = (
            " Your access has been restored, unless it ended or expired meanwhile."
            if email.lower() in suspended_emails
            else " The access it suspended has been restored, unless it ended or expired meanwhile."
        )
        notification_enqueue(
            to=email,
            subject=f"Emergency procedures lifted: {emergency.title}",
            body=(
                f"The emergency procedures for “{emergency.title}” are no longer in force "
                "and social media "
                f"use can return to normal (003 D9.3).{access_line}\n\n{all_clear_message}\n"
            ),
            dedupe_key=f"emergency:{emergency.pk}:all-clear:{email}"[:200],
            now=now,
        )
    _clear_banner_cache()
    return LiftReport(restored=restored, not_restored=total - restored)


# --- Purdah and the checker's lists (003 D10) --------------------------------------------------
def purdah_create(
    *, by, name: str, elections: str, starts_on: date, ends_on: date, instructions: str, now: datetime
) -> PurdahPeriod:
    """Record an election period with its purdah instructions (003 D10).

    Refused: a period that ends before it starts, one that has already ended, and one sharing a
    day with another period (one period, one set of instructions, one banner). A period that has
    started is announced at once; a later one by ``purdah_announce_started`` when it starts.
    """
    _require_communications(by)
    if ends_on < starts_on:
        raise OperationRefused("The end date must be the same as or after the start date.")
    today = timezone.localdate(now)
    if ends_on < today:
        raise OperationRefused("That period has already ended. Enter a period that ends today or later.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two people adding periods at once must not both pass the overlap check.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PURDAH_LOCK])
        clash = PurdahPeriod.objects.overlapping(starts_on, ends_on).order_by("starts_on").first()
        if clash is not None:
            raise OperationRefused(
                f"That period overlaps {clash.name} "
                f"({clash.starts_on:%-d %B %Y} to {clash.ends_on:%-d %B %Y}). "
                "Change the dates, or change that period instead."
            )
        period = PurdahPeriod.objects.create(
            name=name,
            elections=elections,
            starts_on=starts_on,
            ends_on=ends_on,
            instructions=instructions,
            created_by=by,
        )
        if starts_on <= today:
            _purdah_announce(period, now=now)
        _clear_banner_cache()
    return period


# Any fixed number: the advisory lock that serialises adding purdah periods.
PURDAH_LOCK = 3010


def purdah_announce_started(*, now: datetime) -> int:
    """Email the instructions of each period that has started and not been announced (003 D10).

    The periodic job. Each period is claimed with a conditional UPDATE, so a second run, or a
    second worker, announces nothing twice. Returns how many emails were written.
    """
    written = 0
    for period in PurdahPeriod.objects.started_unannounced(timezone.localdate(now)):
        with transaction.atomic():
            written += _purdah_announce(period, now=now)
    return written


def _purdah_announce(period: PurdahPeriod, *, now: datetime) -> int:
    """Claim the period's announcement and email every person with access in force (in the caller's
    transaction). Nothing if someone else claimed it first."""
    claimed = PurdahPeriod.objects.filter(pk=period.pk, announced_at__isnull=True).update(announced_at=now)
    if claimed != 1:
        return 0
    User = get_user_model()
    people = (
        User.objects.filter(
            pk__in=AuthorisedUser.objects.current(today=timezone.localdate(now)).values("person"),
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    instructions = period.instructions or (
        "Avoid anything party political and do not promote individual councillors."
    )
    body = (
        f"Purdah for {period.elections} runs from {period.starts_on:%-d %B %Y} "
        f"to {period.ends_on:%-d %B %Y}.\n\n"
        "Until it ends, everything posted on the council's accounts must follow these purdah "
        f"instructions (003 D10):\n\n{instructions}\n\n"
        f"Check a post before you publish it: {settings.SITE_URL}/check-a-post/\n"
    )
    written = 0
    for email in people:
        notification_enqueue(
            to=email,
            subject=f"Purdah starts: {period.name}",
            body=body,
            dedupe_key=f"purdah:{period.pk}:instructions:{email.lower()}"[:200],
            now=now,
        )
        written += 1
    return written


def purdah_delete(*, by, period: PurdahPeriod) -> None:
    _require_communications(by)
    with transaction.atomic():
        period.delete()
        _clear_banner_cache()


def word_list_replace(*, by, kind: str, lines: list[str]) -> int:
    """Replace one of Communications' lists (councillors, jargon, political terms) with ``lines``.

    A jargon line may give a plain alternative after an equals sign: ``going forward = from now on``.
    """
    _require_communications(by)
    entries = {}
    for line in lines:
        text, _, suggestion = line.partition("=")
        text = " ".join(text.split())
        if text:
            entries[text.lower()] = WordListEntry(
                kind=kind, text=text[:200], suggestion=suggestion.strip()[:200]
            )
    with transaction.atomic():
        WordListEntry.objects.filter(kind=kind).delete()
        WordListEntry.objects.bulk_create(entries.values())
    return len(entries)


def decided_campaign_add(
    *, by, name: str, decided_by: str, decided_on: date, minute_reference: str = ""
) -> DecidedCampaign:
    """Add a campaign or petition cabinet or council has decided to support (004 Don't 2). Comms only."""
    _require_communications(by)
    name = " ".join(name.split())
    if DecidedCampaign.objects.filter(name__iexact=name).exists():
        raise OperationRefused(f"{name} is already on the list.")
    try:
        with transaction.atomic():
            return DecidedCampaign.objects.create(
                name=name,
                decided_by=decided_by,
                decided_on=decided_on,
                minute_reference=minute_reference.strip(),
                added_by=by,
            )
    except IntegrityError as exc:
        raise OperationRefused(f"{name} is already on the list.") from exc


def decided_campaign_remove(*, by, campaign: DecidedCampaign) -> None:
    _require_communications(by)
    campaign.delete()


def content_check_rules() -> Rules:
    """The lists Communications keeps for the checker, read in two queries."""
    lists: dict[str, list] = defaultdict(list)
    for kind, text, suggestion in WordListEntry.objects.values_list("kind", "text", "suggestion"):
        lists[kind].append((text, suggestion))
    return Rules(
        councillors=tuple(text for text, _ in lists[WordListKind.COUNCILLOR]),
        political_terms=tuple(text for text, _ in lists[WordListKind.POLITICAL]),
        jargon=tuple(lists[WordListKind.JARGON]),
        council_phone_numbers=tuple(settings.COUNCIL_PHONE_NUMBERS),
        council_email_domains=tuple(settings.COUNCIL_EMAIL_DOMAINS),
        decided_campaigns=tuple(DecidedCampaign.objects.values_list("name", flat=True)),
    )


def posting_guideline(platform: str) -> tuple[int, int] | None:
    """The platform's posting guideline as (posts, per days), the one the governance check uses (003 D5.2)."""
    return settings.MONITORING_POSTING_GUIDELINES.get(platform)


def content_check_context(*, user, account: SocialMediaAccount | None, now: datetime) -> Context:
    """What is in force and who is writing: purdah (003 D10), an emergency and whether ``user`` is one of
    its named Communications officers (003 D9.1), the account's posts today and its guideline."""
    emergency = emergency_in_force()
    return Context(
        purdah=PurdahPeriod.objects.active_on(timezone.localdate(now)).exists(),
        emergency=emergency is not None,
        named_officer=emergency is not None and emergency.named_officers.filter(pk=user.pk).exists(),
        posts_today=None if account is None else post_counts.posts_today(account, now=now),
        posting_guideline=None if account is None else posting_guideline(account.platform),
        platform_name="" if account is None else account.get_platform_display(),
    )


@dataclass(frozen=True)
class ContentCheck:
    """The checker's answer: its findings, and the chosen account's posts today (004 Part C)."""

    findings: list[Finding]
    context: Context


def check_draft(
    *,
    user,
    text: str,
    platform: str = "",
    account: SocialMediaAccount | None = None,
    announcement_for_x: bool = False,
    shows_children: bool = False,
    consent_reference: str = "",
    has_image: bool = False,
    alt_text: str = "",
    has_video: bool = False,
    has_captions: bool = False,
    now: datetime,
) -> ContentCheck:
    """Advice on a draft before posting (003 D4.1): never posts anything.

    A consent reference counts only if it is the account's service's (or, with no account, one of
    the person's own services'): see ``photo_consent_find``.
    """
    today = timezone.localdate(now)
    if account is not None:
        platform = account.platform
    consent_valid = None
    consent_reference = consent_reference.strip()
    if consent_reference:
        consent = photo_consent_find(
            reference=consent_reference, user=user, service=account.service if account else None
        )
        consent_valid = consent is not None and consent.is_valid_on(today)
    draft = Draft(
        text=text,
        platform=platform,
        announcement_for_x=announcement_for_x,
        shows_children=shows_children,
        consent_reference=consent_reference,
        consent_valid=consent_valid,
        has_image=has_image,
        alt_text=alt_text,
        has_video=has_video,
        has_captions=has_captions,
    )
    context = content_check_context(user=user, account=account, now=now)
    return ContentCheck(findings=check_post(draft, content_check_rules(), context), context=context)


def may_check_content(user) -> bool:
    return is_communications(user) or is_service_officer(user)


# --- Photo consent (004 Don't 9) --------------------------------------------------------------
def photo_consent_record(
    *, by, reference: str, covers: str, service: Service, signed_on: date, expires_on: date | None
) -> PhotoConsent:
    if not (is_communications(by) or Service.objects.for_member(by).filter(pk=service.pk).exists()):
        raise PermissionDenied
    if expires_on is not None and expires_on < signed_on:
        raise OperationRefused("The expiry date must be after the date the form was signed.")
    try:
        with transaction.atomic():
            return PhotoConsent.objects.create(
                reference=reference.strip(),
                covers=covers,
                service=service,
                signed_on=signed_on,
                expires_on=expires_on,
                recorded_by=by,
            )
    except IntegrityError as exc:  # only ever the same service's form: references are per service
        raise OperationRefused(
            f"{service} has already recorded a consent form with the reference {reference}."
        ) from exc


def photo_consent_find(*, reference: str, user, service: Service | None = None) -> PhotoConsent | None:
    """The consent form with ``reference`` that may be used here, or None (004 Don't 9).

    With a ``service`` (the account the post or incident is on), only that service's forms count;
    without one, only the person's own services' (every service's for Communications). Another
    service's form is treated exactly as one that does not exist, so nobody learns which
    references other services hold.
    """
    reference = reference.strip()
    if not reference:
        return None
    consents = PhotoConsent.objects.with_reference(reference)
    if service is not None:
        consents = consents.filter(service=service)
    elif not is_communications(user):
        consents = consents.filter(service__in=Service.objects.for_member(user).values("pk"))
    return consents.select_related("service").first()


# --- Incidents (003 Section B; 000 §22; 004 Do 3) ----------------------------------------------
@dataclass(frozen=True)
class Step:
    key: str
    label: str
    policy: str = ""


CHECKLISTS: dict[str, tuple[Step, ...]] = {
    IncidentKind.POST_IN_ERROR: (
        Step("keep_record", "Keep a copy (a screenshot) of what was posted", "003 Section B"),
        Step("remove_post", "Delete or correct the post", "003 Section B"),
        Step("apologise", "If people saw it, post a correction or a sincere apology", "003 D3.3"),
        Step("tell_comms", "Tell Communications what happened", "003 Section B"),
    ),
    IncidentKind.COMPROMISED: (
        Step("change_password", "Change the password now", "004 Do 3"),
        Step("check_mfa_recovery", "Check multi-factor authentication and the recovery details", "004 Do 3"),
        Step("review_access", "Review who has access to the account", "003 D2.3"),
        Step(
            "warn_followers",
            "Warn followers if anything was posted or sent in the council's name",
            "003 Section B",
        ),
        Step("tell_comms", "Tell Communications", "004 Do 1"),
    ),
    IncidentKind.ABUSE: (
        Step(
            "keep_evidence", "Keep screenshots of the abuse or threats, with dates and times", "003 Section B"
        ),
        Step("do_not_engage", "Do not reply to abusive or aggressive messages", "004 Don't 5–6"),
        Step(
            "report_to_platform", "Report the messages to the platform and block if needed", "003 Section B"
        ),
        Step("police", "If anyone is threatened, report it to the police", "003 Section B"),
        Step("tell_comms", "Tell Communications", "003 Section B"),
    ),
    IncidentKind.MEDIA: (
        Step("refer_to_comms", "Refer the journalist to Communications; do not comment yourself", "000 §22"),
        Step("agree_response", "Agree any response with Communications", "000 §22"),
        Step("brief_director", "Brief the service's Director", "000 §22"),
    ),
    IncidentKind.POLICY_BREACH: (
        Step("remove_content", "Remove the content that breaks the policy", "003 Section B"),
        Step("tell_manager", "Tell the person's line manager", "003 Section B"),
        Step("review_access", "Review who has access to the account", "003 D2.3"),
        Step("tell_comms", "Tell Communications", "003 Section B"),
    ),
    IncidentKind.SAFEGUARDING: (
        Step("tell_safeguarding_lead", "Tell the council's designated safeguarding officer today", "001 §16"),
        Step("keep_evidence", "Keep a record of what was seen, without sharing it further", "001 §16"),
        Step("no_contact", "Do not contact the person concerned yourself", "001 §16"),
        Step(
            "check_photo_consent",
            "If pictures of children are involved, check the signed consent form",
            "004 Don't 9",
        ),
        Step("tell_comms", "Tell Communications", "003 Section B"),
    ),
}


def checklist_for(kind: str) -> tuple[Step, ...]:
    return CHECKLISTS[kind]


def incident_report(
    *,
    by,
    kind: str,
    severity: str,
    account: SocialMediaAccount,
    what_happened: str,
    photo_consent: PhotoConsent | None = None,
    now: datetime,
) -> Incident:
    """Record an incident; Communications is told at once, and the Director too if it is high severity."""
    if not SocialMediaAccount.objects.visible_to(by).filter(pk=account.pk).exists():
        raise PermissionDenied
    if photo_consent is not None and photo_consent.service_id != account.service_id:
        raise OperationRefused(
            f"There is no consent form with the reference {photo_consent.reference} for {account.service}."
        )
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=kind,
            severity=severity,
            account=account,
            what_happened=what_happened,
            photo_consent=photo_consent,
            reported_by=by,
            reported_at=now,
        )
        link = f"{settings.SITE_URL}/operations/incidents/{incident.pk}/"
        subject = (
            f"{incident.get_severity_display()} severity incident on {account}: {incident.get_kind_display()}"
        )
        body = (
            f"{by.get_full_name() or by.get_username()} reported an incident on {account} "
            f"({account.service}).\n\nWhat happened:\n{what_happened}\n\nThe checklist and actions: {link}\n"
        )
        notification_enqueue(
            to=communications_email(),
            subject=subject,
            body=body,
            dedupe_key=f"incident:{incident.pk}:comms",
            now=now,
        )
        if severity == Severity.HIGH:
            director_email = account.service.directorate.approval_email
            if director_email:
                notification_enqueue(
                    to=director_email,
                    subject=subject,
                    body=body,
                    dedupe_key=f"incident:{incident.pk}:director",
                    now=now,
                )
    return incident


def incident_step_done(
    *,
    incident: Incident,
    step: str,
    by,
    note: str = "",
    now: datetime,
    password_changed_on: date | None = None,
    mfa_enabled: bool | None = None,
    recovery_contact: str = "",
) -> IncidentAction:
    """Tick a checklist step. For a compromised account, the register is updated as well (004 Do 3)."""
    keys = {s.key for s in checklist_for(incident.kind)}
    if step not in keys:
        raise OperationRefused("That step is not on this incident's checklist.")
    if not incident.is_open:
        raise OperationRefused("This incident is closed.")
    with transaction.atomic():
        account = SocialMediaAccount.objects.select_for_update().get(pk=incident.account_id)
        try:
            with transaction.atomic():
                action = IncidentAction.objects.create(
                    incident=incident, step=step, done_by=by, done_at=now, note=note[:500]
                )
        except IntegrityError as exc:
            raise OperationRefused("That step has already been done.") from exc
        if incident.kind == IncidentKind.COMPROMISED and step == "change_password":
            account_services.account_record_password_change(
                account=account, on=password_changed_on or timezone.localdate(now), incident=incident, now=now
            )
        if incident.kind == IncidentKind.COMPROMISED and step == "check_mfa_recovery":
            if mfa_enabled is None or not recovery_contact.strip():
                raise OperationRefused(
                    "Say whether multi-factor authentication is on and who holds recovery."
                )
            try:
                account_services.account_record_security_check(
                    account=account,
                    mfa_enabled=mfa_enabled,
                    recovery_contact=recovery_contact.strip(),
                    incident=incident,
                )
            except ValidationError as exc:  # a password typed as the recovery contact (004 Do 3)
                raise OperationRefused(" ".join(exc.messages)) from exc
    return action


def incident_close(*, incident: Incident, by, outcome: str, now: datetime) -> Incident:
    """Communications closes an incident once it has been dealt with, saying what came of it."""

    def before_save(locked: Incident) -> None:
        locked.closed_at = now
        locked.outcome = outcome

    return run_transition(
        queryset=Incident,
        pk=incident.pk,
        name="close",
        by=by,
        description=outcome[:200],
        not_possible=lambda _i: OperationRefused("This incident is already closed."),
        refused=_not_communications,
        before_save=before_save,
        stale=OperationStale,
        stale_message="Someone else closed this incident first.",
    )


# --- Monitoring terms (003 D11) ---------------------------------------------------------------
def monitoring_term_request(*, by, service: Service, term: str, reason: str, now: datetime) -> MonitoringTerm:
    """A service asks Communications to monitor a term (003 D11.2)."""
    if not (is_communications(by) or Service.objects.for_member(by).filter(pk=service.pk).exists()):
        raise PermissionDenied
    term = " ".join(term.split())
    if MonitoringTerm.objects.filter(term__iexact=term, status=MonitoringTermStatus.APPROVED).exists():
        raise OperationRefused(f"“{term}” is already monitored.")
    with transaction.atomic():
        requested = MonitoringTerm.objects.create(
            term=term, reason=reason, service=service, requested_by=by, requested_at=now
        )
        notification_enqueue(
            to=communications_email(),
            subject=f"Monitoring term requested: {term}",
            body=f"{service} asks for “{term}” to be monitored.\n\nWhy: {reason}\n\n"
            f"Decide: {settings.SITE_URL}/operations/monitoring-terms/",
            dedupe_key=f"monitoring-term:{requested.pk}:requested",
            now=now,
        )
    return requested


def monitoring_term_decide(
    *, term: MonitoringTerm, by, approve: bool, comment: str, now: datetime
) -> MonitoringTerm:
    """Communications approves or declines a requested term, with a comment (003 D11.2)."""

    def before_save(locked: MonitoringTerm) -> None:
        locked.decided_by = by
        locked.decided_at = now
        locked.decision_comment = comment

    def after(decided: MonitoringTerm) -> None:
        if decided.requested_by.email:
            notification_enqueue(
                to=decided.requested_by.email,
                subject=f"Monitoring term {decided.get_status_display().lower()}: {decided.term}",
                body=f"Communications {decided.get_status_display().lower()} your request "
                f"to monitor “{decided.term}”."
                f"\n\n{comment}\n",
                dedupe_key=f"monitoring-term:{decided.pk}:decided",
                now=now,
            )

    return run_transition(
        queryset=MonitoringTerm.objects.select_related("requested_by"),
        pk=term.pk,
        name="approve" if approve else "decline",
        by=by,
        description=comment[:200],
        not_possible=lambda _t: OperationRefused("This request has already been decided."),
        refused=_not_communications,
        before_save=before_save,
        after=after,
        stale=OperationStale,
        stale_message="Someone else decided this request first.",
    )


def approved_monitoring_terms() -> QuerySet[MonitoringTerm]:
    return (
        MonitoringTerm.objects.filter(status=MonitoringTermStatus.APPROVED)
        .select_related("service")
        .order_by("term")
    )


# --- Policy versions and sign-off (001 §22–23; 002 §1.6) ---------------------------------------
def policy_publish(
    *, by, version: str, title: str, summary: str, document_reference: str = "", now: datetime
) -> PolicyVersion:
    """Publish a version; its six-monthly review starts now (002 §1.6). Authorised users are told."""
    _require_communications(by)
    try:
        with transaction.atomic():
            published = PolicyVersion.objects.create(
                version=version.strip(),
                title=title,
                summary=summary,
                document_reference=document_reference,
                published_by=by,
                published_at=now,
                # Publishing a version is a review of the policy: the six-monthly check (002 §1.6)
                # counts from here.
                reviewed_on=timezone.localdate(now),
                reviewed_by=by,
                review_notes=f"Version {version.strip()} published",
            )
            for email in (
                people_yet_to_acknowledge(published).exclude(email="").values_list("email", flat=True)
            ):
                notification_enqueue(
                    to=email,
                    subject=f"Please acknowledge the social media policy, version {published.version}",
                    body=f"{title}\n\n{summary}\n\nAcknowledge it: {settings.SITE_URL}/operations/policy/",
                    dedupe_key=f"policy:{published.pk}:ask:{email}"[:200],
                    now=now,
                )
    except IntegrityError as exc:
        raise OperationRefused(f"Version {version} has already been published.") from exc
    return published


def current_policy_version() -> PolicyVersion | None:
    return PolicyVersion.objects.latest_first().first()


def policy_review_due_on() -> date | None:
    """When the policy is next due for review: six months after the version in force was last
    reviewed (002 §1.6). Publishing a version is a review."""
    current = current_policy_version()
    return current.next_review_due if current else None


def policy_review_record(*, by, notes: str = "", now: datetime) -> PolicyVersion:
    """Record a six-monthly review that leaves the policy as it is (002 §1.6).

    The review is recorded on the version in force; the next is due six months from today. A review
    that changes the policy publishes a new version instead (``policy_publish``).
    """
    _require_communications(by)
    with transaction.atomic():
        current = PolicyVersion.objects.select_for_update().latest_first().first()
        if current is None:
            raise OperationRefused("No version of the policy has been published yet: publish one first.")
        current.reviewed_on = timezone.localdate(now)
        current.reviewed_by = by
        current.review_notes = notes
        current.save(update_fields=["reviewed_on", "reviewed_by", "review_notes"])
    return current


def policy_acknowledge(*, person, version: PolicyVersion, now: datetime) -> PolicyAcknowledgement:
    """The person has read this version (001 §22–23). Acknowledging twice keeps the first."""
    acknowledgement, _ = PolicyAcknowledgement.objects.get_or_create(
        version=version, person=person, defaults={"acknowledged_at": now}
    )
    return acknowledgement


def people_yet_to_acknowledge(version: PolicyVersion | None = None) -> QuerySet:
    """The authorised users (access not ended or expired) who have not acknowledged ``version``."""
    version = version or current_policy_version()
    User = get_user_model()
    if version is None:
        return User.objects.none()
    return (
        # Authorised users: access not ended or expired. Suspension (an emergency) does not count.
        User.objects.filter(
            pk__in=AuthorisedUser.objects.not_ended()
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))
            .values("person")
        )
        .exclude(pk__in=PolicyAcknowledgement.objects.filter(version=version).values("person"))
        .order_by("last_name", "first_name", "username")
    )


def may_view_operations(user) -> bool:
    return is_communications(user) or is_corporate_director(user) or is_service_officer(user)
